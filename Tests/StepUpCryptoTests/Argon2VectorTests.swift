import Testing
@testable import StepUpCrypto

@Suite("Argon2 RFC 9106 §5 test vectors", .timeLimit(.minutes(5)))
struct Argon2VectorTests {
    static let password = [UInt8](repeating: 0x01, count: 32)
    static let salt = [UInt8](repeating: 0x02, count: 16)
    static let secret = [UInt8](repeating: 0x03, count: 8)
    static let associatedData = [UInt8](repeating: 0x04, count: 12)

    @Test(arguments: [
        (Argon2Variant.argon2d, "512b391b6f1162975371d30919734294f868e3be3984f3c1a13a4db9fabe4acb"),
        (Argon2Variant.argon2i, "c814d9d1dc7f37aa13f0d77f2494bda1c8de6b016dd388d29952a4c4672b6ce8"),
        (Argon2Variant.argon2id, "0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659"),
    ])
    func rfcVector(variant: Argon2Variant, expected: String) throws {
        let parameters = Argon2Parameters(
            variant: variant, memoryKiB: 32, iterations: 3, parallelism: 4, saltLength: 16, tagLength: 32
        )
        let tag = try Argon2.hash(
            password: Self.password, salt: Self.salt, parameters: parameters,
            secret: Self.secret, associatedData: Self.associatedData
        )
        #expect(TestSupport.hexString(tag) == expected)
    }

    @Test func rejectsParametersOutsideRFCRanges() {
        let salt = [UInt8](repeating: 0, count: 16)
        let bad = [
            Argon2Parameters(memoryKiB: 31, parallelism: 4),
            Argon2Parameters(iterations: 0),
            Argon2Parameters(parallelism: 0),
            Argon2Parameters(tagLength: 3),
        ]
        for parameters in bad {
            #expect(throws: PasswordHashError.invalidParameters("")) {
                try Argon2.hash(password: [], salt: salt, parameters: parameters)
            }
        }
        #expect(throws: PasswordHashError.invalidParameters("")) {
            try Argon2.hash(password: [], salt: [1, 2, 3], parameters: Argon2Parameters(memoryKiB: 64))
        }
    }
}
