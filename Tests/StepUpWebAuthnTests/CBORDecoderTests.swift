import Testing

@testable import StepUpWebAuthn

/// RFC 8949 Appendix A: every example with definite lengths decodes to its value, and (shortest form) encodes back.
@Suite("CBOR: RFC 8949 Appendix A")
struct CBORDecoderTests {
    static let examples: [(String, CBOR)] = [
        ("00", 0), ("01", 1), ("0a", 10), ("17", 23), ("1818", 24), ("1819", 25), ("1864", 100), ("1903e8", 1000),
        ("1a000f4240", 1_000_000), ("1b000000e8d4a51000", 1_000_000_000_000),
        ("1bffffffffffffffff", .unsigned(.max)),
        ("c249010000000000000000", .tagged(2, .bytes(TestHex.bytes("010000000000000000")))),
        ("3bffffffffffffffff", .negative(.max)),
        ("c349010000000000000000", .tagged(3, .bytes(TestHex.bytes("010000000000000000")))),
        ("20", -1), ("29", -10), ("3863", -100), ("3903e7", -1000),
        ("f4", .bool(false)), ("f5", .bool(true)), ("f6", .null), ("f7", .undefined), ("f0", .simple(16)),
        ("f8ff", .simple(255)),
        ("c074323031332d30332d32315432303a30343a30305a", .tagged(0, "2013-03-21T20:04:00Z")),
        ("c11a514b67b0", .tagged(1, 1_363_896_240)), ("c1fb41d452d9ec200000", .tagged(1, .float(1_363_896_240.5))),
        ("d74401020304", .tagged(23, .bytes([1, 2, 3, 4]))),
        ("d818456449455446", .tagged(24, .bytes(TestHex.bytes("6449455446")))),
        ("d82076687474703a2f2f7777772e6578616d706c652e636f6d", .tagged(32, "http://www.example.com")),
        ("40", .bytes([])), ("4401020304", .bytes([1, 2, 3, 4])),
        ("60", ""), ("6161", "a"), ("6449455446", "IETF"), ("62225c", "\"\\"), ("62c3bc", "\u{fc}"),
        ("63e6b0b4", "\u{6c34}"),
        ("64f0908591", "\u{10151}"),
        ("80", .array([])), ("83010203", .array([1, 2, 3])),
        ("8301820203820405", .array([1, .array([2, 3]), .array([4, 5])])),
        ("98190102030405060708090a0b0c0d0e0f101112131415161718181819", .array((1...25).map { CBOR.int($0) })),
        ("a0", .map([])), ("a201020304", .map([1: 2, 3: 4])),
        ("a26161016162820203", .map(["a": 1, "b": .array([2, 3])])),
        ("826161a161626163", .array(["a", .map(["b": "c"])])),
        ("a56161614161626142616361436164614461656145", .map(["a": "A", "b": "B", "c": "C", "d": "D", "e": "E"])),
    ]

    static let floats: [(String, Double)] = [
        ("f90000", 0.0), ("f98000", -0.0), ("f93c00", 1.0), ("fb3ff199999999999a", 1.1), ("f93e00", 1.5),
        ("f97bff", 65504.0),
        ("fa47c35000", 100_000.0), ("fa7f7fffff", 3.4028234663852886e+38), ("fb7e37e43c8800759c", 1.0e+300),
        ("f90001", 5.960464477539063e-8), ("f90400", 0.00006103515625), ("f9c400", -4.0), ("fbc010666666666666", -4.1),
        ("f97c00", .infinity), ("f9fc00", -.infinity), ("fa7f800000", .infinity), ("faff800000", -.infinity),
        ("fb7ff0000000000000", .infinity), ("fbfff0000000000000", -.infinity),
    ]

    @Test(arguments: examples.indices) func decodesAndEncodesBack(_ index: Int) throws {
        let (hex, value) = Self.examples[index]
        #expect(try CBORDecoder().decode(TestHex.bytes(hex)) == value, "\(hex)")
        #expect(value.encoded() == TestHex.bytes(hex), "\(hex)")
    }

    @Test(arguments: floats.indices) func decodesFloats(_ index: Int) throws {
        let (hex, expected) = Self.floats[index]
        guard case .float(let value) = try CBORDecoder().decode(TestHex.bytes(hex)) else {
            Issue.record("\(hex) is not a float")
            return
        }
        #expect(value == expected && value.sign == expected.sign, "\(hex): \(value)")
    }

    @Test func decodesNaNs() throws {
        for hex in ["f97e00", "fa7fc00000", "fb7ff8000000000000"] {
            guard case .float(let value) = try CBORDecoder().decode(TestHex.bytes(hex)) else {
                throw WebAuthnError.malformedCBOR(hex)
            }
            #expect(value.isNaN, "\(hex)")
        }
    }

    @Test func encodesMapsCanonically() {
        // CTAP2 order: shorter encoded keys first, then bytewise; the input order must not matter.
        let map = CBOR.map([-257: 1, "fmt": 2, 3: 3, -1: 4, "a": 5, 1: 6])
        #expect(map.encoded() == TestHex.bytes("a6 01 06 03 03 20 04 61 61 05 39 0100 01 63 66 6d 74 02"))
        #expect(
            CBOR.map([1: 1, 1: 2]).encoded().count == 5, "the encoder writes what it is given; the decoder refuses it")
    }

    @Test func decodePrefixReportsTheEnd() throws {
        let bytes = TestHex.bytes("ff 83010203 a0 00")
        let (value, end) = try CBORDecoder().decodePrefix(bytes, from: 1)
        #expect(value == .array([1, 2, 3]) && end == 5)
        #expect(try CBORDecoder().decodePrefix(bytes, from: end).end == 6)
        #expect(throws: WebAuthnError.malformedCBOR("")) { try CBORDecoder().decodePrefix(bytes, from: 7) }
    }
}
