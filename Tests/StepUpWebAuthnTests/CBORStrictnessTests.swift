import Testing

@testable import StepUpWebAuthn

/// What the decoder refuses: each case is `malformed_cbor`, none of them traps, allocates by a declared length or
/// recurses without bound.
@Suite("CBOR: strictness")
struct CBORStrictnessTests {
    static let refused: [(String, String)] = [
        ("5f42010243030405ff", "indefinite byte string"), ("7f657374726561646d696e67ff", "indefinite text"),
        ("9fff", "indefinite array"), ("bf61610161629f0203ffff", "indefinite map"), ("ff", "lone break"),
        ("1c", "reserved info 28"), ("3d", "reserved info 29"), ("5e", "reserved info 30"),
        ("fc", "reserved simple 28"),
        ("f800", "simple value 0 in two bytes"), ("f81f", "simple value 31 in two bytes"),
        ("0001", "trailing byte"), ("a0a0", "two items"), ("", "empty input"),
        ("a201020103", "duplicate unsigned key"), ("a2616101616102", "duplicate text key"),
        ("a2190001010102", "duplicate key, non-shortest spelling"),
        ("62c328", "invalid UTF-8"), ("63eda080", "UTF-8 surrogate"), ("62c0af", "overlong UTF-8"),
        ("5bffffffffffffffff", "byte string of 2^64-1 bytes"), ("7a7fffffff00", "text of 2^31 bytes"),
        ("9b7fffffffffffffff", "array of 2^63 items"), ("bb4000000000000000", "map of 2^62 pairs"),
        ("84010203", "array one item short"), ("a2010203", "map one value short"), ("c6", "tag without content"),
    ]

    @Test(arguments: refused.indices) func refuses(_ index: Int) {
        let (hex, what) = Self.refused[index]
        #expect(throws: WebAuthnError.malformedCBOR(""), "\(what)") { try CBORDecoder().decode(TestHex.bytes(hex)) }
    }

    @Test func reasonsSayWhatIsWrong() {
        func reason(_ hex: String) -> String {
            do { _ = try CBORDecoder().decode(TestHex.bytes(hex)) } catch let error as WebAuthnError {
                return error.reason
            } catch { return "\(error)" }
            return "accepted"
        }
        #expect(reason("9fff").contains("indefinite"))
        #expect(reason("a201020103").contains("duplicate"))
        #expect(reason("0001").contains("trailing"))
        #expect(reason("5bffffffffffffffff").contains("truncated"))
        #expect(reason("62c328").contains("UTF-8"))
    }

    @Test func everyPrefixOfAValidItemIsRefused() throws {
        let full =
            TestHex.bytes("a3 63666d74 646e6f6e65 67617474 53746d74 a0 68617574 6844617461 58 25")
            + [UInt8](repeating: 7, count: 37)
        #expect(try CBORDecoder().decode(full).mapValue?.count == 3)
        for length in 0..<full.count {
            #expect(throws: WebAuthnError.malformedCBOR(""), "prefix \(length)") {
                try CBORDecoder().decode(Array(full[..<length]))
            }
        }
    }

    @Test func nestingIsCapped() throws {
        let deep = { (depth: Int) in [UInt8](repeating: 0x81, count: depth) + [0x00] }
        #expect(throws: Never.self) { try CBORDecoder().decode(deep(16)) }
        #expect(throws: WebAuthnError.malformedCBOR("")) { try CBORDecoder().decode(deep(17)) }
        // Tags nest too, and a million-deep input fails at the cap rather than exhausting the stack.
        #expect(throws: WebAuthnError.malformedCBOR("")) {
            try CBORDecoder().decode([UInt8](repeating: 0xC6, count: 1_000_000) + [0])
        }
        #expect(throws: WebAuthnError.malformedCBOR("")) { try CBORDecoder(maxDepth: 2).decode(deep(3)) }
    }

    @Test func itemCountIsCapped() throws {
        let array = [0x99, 0x03, 0xE8] + [UInt8](repeating: 0, count: 1000)
        #expect(try CBORDecoder().decode(array).arrayValue?.count == 1000)
        #expect(throws: WebAuthnError.malformedCBOR("")) { try CBORDecoder(maxItems: 1000).decode(array) }
    }
}
