import Foundation
import Testing
import Yams
@testable import StepUpCore

@Suite("Exact numbers", .timeLimit(.minutes(5)))
struct ExactNumberTests {
    struct Box: Decodable { let value: AttributeValue }

    func decode(_ json: String) throws -> AttributeValue {
        try JSONDecoder().decode(Box.self, from: Data("{\"value\": \(json)}".utf8)).value
    }

    @Test(arguments: [
        ("1500", "1500"), ("1500.0", "1500"), ("1.5e3", "1500"), ("15E+2", "1500"), ("-0", "0"), ("-0.0", "0"),
        ("0.1", "0.1"), ("007", "7"), (".5", "0.5"), ("5.", "5"), ("1e-7", "0.0000001"), ("-12.340", "-12.34"),
        ("9007199254740993", "9007199254740993"), ("123456789012345678901234567890", "123456789012345678901234567890"),
    ])
    func canonicalText(input: String, expected: String) throws {
        #expect(try #require(ExactNumber(parsing: input)).description == expected)
    }

    @Test(arguments: ["", "-", ".", "e5", "1e", "1e+", "NaN", "inf", "Infinity", "0x10", "1_000", " 1", "1 ", "1.2.3",
                      "1e400", "1e-500", "--1", "+-1", "1ee2", String(repeating: "1", count: 201)])
    func refusesWhatIsNotAnExactDecimal(input: String) {
        #expect(ExactNumber(parsing: input) == nil)
    }

    @Test func comparisonsAreExactBeyondDoublePrecision() throws {
        let big = try #require(ExactNumber(parsing: "9007199254740993"))
        let smaller = try #require(ExactNumber(parsing: "9007199254740992"))
        #expect(big.double == smaller.double)  // what a Double would have made of them
        #expect(big > smaller && big != smaller)
        let values = ["-10", "-1.5", "-1", "-0.001", "0", "0.001", "0.1", "1", "1.05", "1.5", "10", "1e20"]
            .map { ExactNumber(parsing: $0)! }
        #expect(values == values.sorted())
        for (index, value) in values.enumerated() { #expect(values[index...].allSatisfy { value <= $0 }) }
    }

    @Test func doublesUseTheirShortestDecimal() {
        #expect(ExactNumber(0.1).description == "0.1")
        #expect(ExactNumber(1500.0) == ExactNumber(1500))
        #expect(ExactNumber(-0.0).description == "0")
        #expect(ExactNumber(1e21).description == "1000000000000000000000")
        #expect(ExactNumber(Double.nan).description == "NaN" && !ExactNumber(Double.nan).isFinite)
    }

    @Test func jsonDecodingKeepsTheExactValue() throws {
        #expect(try decode("9007199254740993") == .number(ExactNumber(9_007_199_254_740_993 as Int64)))
        #expect(try decode("9007199254740993").description == "9007199254740993")
        #expect(try decode("9007199254740993") != decode("9007199254740992"))
        #expect(try decode("0.1").description == "0.1")
        #expect(try decode("1500") == decode("1.5e3"))
        #expect(try decode("1500") == decode("1500.0"))
        #expect(try decode("18446744073709551615").description == "18446744073709551615")
        #expect(try decode("-0.000001").description == "-0.000001")
    }

    // Known gap, not tested: JSONDecoder turns 1.0000000000000000000000000000000000000001 into 1 before we see it.
    @Test(arguments: ["1e400", "-1e400", "1e-200", "123456789012345678901234567890123456789012",
                      "1234567890123456789012345678901234567.8"])
    func jsonDecodingRefusesWhatItCannotKeepExactly(json: String) {
        #expect(throws: (any Error).self) { try decode(json) }
    }

    @Test func yamlKeepsTheExactValue() throws {
        let parser = PolicyParser(file: "t.yaml")
        let node = try #require(try Yams.compose(yaml: "[9007199254740993, 0.1, 1e3, '12', 0x10, 1e400, .inf]"))
        #expect(parser.attributeValue(node) == .list([
            .number(ExactNumber(9_007_199_254_740_993 as Int64)), .number(ExactNumber(parsing: "0.1")!),
            .number(1000), .string("12"), .number(16), .string("1e400"), .string(".inf"),
        ]))
    }

    @Test func policyComparisonsUseExactValues() throws {
        let policy = try PolicyFixture.policy("""
        default: allow
        rules:
          - {id: big, match: {transaction: {amount: {'>': 9007199254740992}}}, deny: big}
          - {id: tenth, match: {transaction: {rate: 0.1}}, deny: tenth}
        """)
        func rules(_ transaction: Attributes) -> [String] {
            policy.evaluate(PolicyFixture.input(context: RequestContext(transaction: transaction))).rules
        }
        #expect(rules(["amount": .number(ExactNumber(parsing: "9007199254740993")!)]) == ["big", "default"])
        #expect(rules(["amount": .number(ExactNumber(parsing: "9007199254740992")!)]) == ["default"])
        #expect(rules(["amount": "9007199254740993"]) == ["big", "default"])
        #expect(rules(["rate": .number(0.1)]) == ["tenth", "default"])
        #expect(rules(["rate": "0.10"]) == ["tenth", "default"])
        // A non-numeric string is no number, even one `Double("inf")` would accept.
        #expect(rules(["amount": "inf"]) == ["default"])
    }
}

@Suite("Exact numbers: JSON digit guard", .timeLimit(.minutes(5)))
struct ExactNumberJSONGuardTests {
    @Test(arguments: [
        #"{"amount": 1500, "rate": 0.1, "big": 9007199254740993, "list": [1e400, -0.000001, true, null]}"#,
        #"{"s": "1234567890123456789012345678901234567890123", "n": 1234567890123456789012345678901234567}"#,
        #"[1.0000000000000000000000000000000000000000000, 0.0000000000000000000000000000000000000000001]"#,
        #"{"esc": "\"12345678901234567890123456789012345678901234\"", "n": 1}"#,
        #"[1234567890123456789012345678901234567e99999999999999999999999999999999999999999]"#,
    ])
    func acceptsBodiesItDecodesExactly(json: String) {
        #expect(ExactNumber.jsonNumbersFit(Array(json.utf8)))
        #expect(ExactNumber.jsonNumbersFit(json.utf8.lazy.map { $0 }), "bytes that are not contiguous read the same")
    }

    @Test(arguments: [
        #"{"amount": 1.0000000000000000000000000000000000000001}"#,
        #"[12345678901234567890123456789012345678]"#,
        #"{"a": "x\\", "b": -10000000000000000000000000000000000009.5}"#,
    ])
    func refusesBodiesJSONDecoderWouldTruncate(json: String) {
        #expect(!ExactNumber.jsonNumbersFit(Array(json.utf8)))
        #expect(!ExactNumber.jsonNumbersFit(json.utf8.lazy.map { $0 }), "bytes that are not contiguous read the same")
    }
}
