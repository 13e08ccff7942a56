import Foundation
import StepUpTestSupport
import Testing
@testable import StepUpCore

@Suite("Transaction binding: canonical, type-exact text", .timeLimit(.minutes(5)))
struct TransactionBindingCanonicalTests {
    static func canonical(_ transaction: Attributes, fields: [String] = ["f"], action: String = "t") -> String {
        let request = ActionRequest(action: action, context: RequestContext(transaction: transaction))
        return TransactionBinding(fields: fields, request: request).canonical(action: action)
    }

    static let twoToThe53PlusOne = AttributeValue.number(ExactNumber(parsing: "9007199254740993")!)

    /// Pairs that hashed alike when the binding hashed display text.
    @Test(arguments: [
        (["f": "1500"], ["f": .number(1500)]),
        (["f": true], ["f": "true"]),
        (["f": .null], ["f": "null"]),
        ([:], ["f": ""]),
        ([:], ["f": .null]),
        (["f": .list(["a", "b"])], ["f": "[a, b]"]),
        (["f": .list(["a, b"])], ["f": .list(["a", "b"])]),
        (["f": twoToThe53PlusOne], ["f": .number(9_007_199_254_740_992)]),
        (["f": "9007199254740993"], ["f": twoToThe53PlusOne]),
        (["f": .number(0.1)], ["f": .number(ExactNumber(parsing: "0.1000000000000000055511151231257827")!)]),
    ] as [(Attributes, Attributes)])
    func typedValuesNeverShareText(_ one: Attributes, _ other: Attributes) {
        #expect(Self.canonical(one) != Self.canonical(other))
    }

    @Test func textIsCanonicalJSON() {
        let text = Self.canonical(
            ["payee": "ACME \"Ltd\"\n\u{01}é", "amount": Self.twoToThe53PlusOne, "ok": true, "tags": .list(["a", 1.5]),
             "none": .null],
            fields: ["payee", "amount", "ok", "tags", "none", "missing"], action: "bank.transfer")
        #expect(text == #"{"action":"bank.transfer","fields":{"amount":9007199254740993,"none":null,"ok":true,"#
            + #""payee":"ACME \"Ltd\"\n\u0001é","tags":["a",1.5]},"v":2}"#)
        // Keys sort by UTF-16 code units (U+1F600 is D83D DE00, before U+E000), as RFC 8785 says.
        #expect(Self.canonical(["\u{E000}": 1, "\u{1F600}": 2], fields: ["\u{E000}", "\u{1F600}"])
            == "{\"action\":\"t\",\"fields\":{\"\u{1F600}\":2,\"\u{E000}\":1},\"v\":2}")
        #expect(Self.canonical(["f": .number(.nan)]) == #"{"action":"t","fields":{"f":{"nonfinite":"NaN"}},"v":2}"#)
    }

    @Test func oneNumberHasOneText() throws {
        let texts = try ["1500", "1500.0", "1.5e3", "15E2", "01500.000", "150000e-2"].map {
            Self.canonical(["f": .number(try #require(ExactNumber(parsing: $0)))])
        }
        #expect(Set(texts).count == 1)
        #expect(Self.canonical(["f": .number(-0.0)]) == Self.canonical(["f": 0]))
        // A Double that arrived through JSON and an exact integer write the same pinned digits.
        let pinned = #"{"action":"t","fields":{"f":1500},"v":2}"#
        #expect(Self.canonical(["f": .number(Double(1500))]) == pinned)
        #expect(Self.canonical(["f": .number(try #require(ExactNumber(parsing: "1500")))]) == pinned)
    }

    @Test func bindsTheValueTheConditionsSaw() {
        // A shadowed field: the binding and `context:` conditions both read the transaction's value.
        let context = RequestContext(transaction: ["amount": 15000], attributes: ["amount": 1, "channel": "web"])
        let request = ActionRequest(action: "bank.transfer", resource: ["channel": "api", "id": 7], context: context)
        let binding = TransactionBinding(fields: ["amount", "channel", "id"], request: request)
        #expect(binding.typedValues == ["amount": 15000, "channel": "web", "id": 7])
        #expect(binding.values == ["amount": "15000", "channel": "web", "id": "7"])
        #expect(request.context.value(named: "amount") == 15000)
    }

    /// Random typed values: equal values give equal text, different values different text.
    @Test func propertyDistinctValuesDistinctTexts() {
        let seed = TestSeed.seed("TransactionBindingCanonicalTests.property")
        var random = SplitMix64(seed: seed)
        var seen: [String: Attributes] = [:]
        for _ in 0..<3_000 {
            var transaction: Attributes = [:]
            for name in ["a", "b", "c"] where Bool.random(using: &random) {
                transaction[name] = Self.randomValue(&random, depth: 0)
            }
            let text = Self.canonical(transaction, fields: ["a", "b", "c"])
            if let previous = seen[text] {
                #expect(previous == transaction, "seed \(seed): \(previous) and \(transaction) share \(text)")
            }
            seen[text] = transaction
            #expect(Self.canonical(Self.respelled(transaction, &random), fields: ["a", "b", "c"]) == text,
                    "seed \(seed)")
        }
    }

    static func randomValue(_ random: inout SplitMix64, depth: Int) -> AttributeValue {
        let pieces = ["", "1", "1.0", "true", "null", "a", "[a]", "\"", "\\", "\n", "é", ",", "1e3", "-0", " "]
        switch Int.random(in: 0..<6, using: &random) {
        case 0: return .string((0..<Int.random(in: 0...2, using: &random)).map { _ in pieces.randomElement(using: &random)! }
            .joined())
        case 1: return .number(ExactNumber(Int.random(in: -3...3, using: &random)))
        case 2:
            let digits = String(UInt64.random(in: 0...UInt64.max, using: &random) % 100_000_000_000_000_000)
            return .number(ExactNumber(parsing: "\(digits)e\(Int.random(in: -20...3, using: &random))")!)
        case 3: return .bool(Bool.random(using: &random))
        case 4 where depth < 2:
            return .list((0..<Int.random(in: 0...2, using: &random)).map { _ in randomValue(&random, depth: depth + 1) })
        default: return .null
        }
    }

    /// The same logical values, numbers spelled differently (leading zeros, trailing zeros, shifted exponent).
    static func respelled(_ attributes: Attributes, _ random: inout SplitMix64) -> Attributes {
        func respell(_ value: AttributeValue) -> AttributeValue {
            switch value {
            case .number(let number):
                let shift = Int.random(in: 0...5, using: &random)
                let text = number.description.replacingOccurrences(of: "-", with: "")
                let sign = number.isNegative ? "-" : ""
                let spelled = text.contains(".")
                    ? "\(sign)00\(text)000e+0"
                    : "\(sign)00\(text)" + String(repeating: "0", count: shift) + "e-\(shift)"
                return .number(ExactNumber(parsing: spelled)!)
            case .list(let items): return .list(items.map(respell))
            default: return value
            }
        }
        return attributes.mapValues(respell)
    }
}
