/// Argon2 (RFC 9106), written from the RFC.
///
/// ```swift
/// let tag = try Argon2.hash(password: Array("pw".utf8), salt: Array("somesalt".utf8),
///                           parameters: Argon2Parameters(memoryKiB: 65536, iterations: 3, parallelism: 4))
/// ```
/// Lanes run in parallel on Dispatch worker threads; this call blocks its thread for the whole
/// computation, so async callers go through ``PasswordHasher`` (which uses a dedicated pool).
public enum Argon2 {
    /// Computes the raw Argon2 tag.
    /// - Parameters:
    ///   - secret: the optional key K (a pepper); empty for standard password hashes.
    ///   - associatedData: the optional X; empty for standard password hashes.
    /// - Throws: ``PasswordHashError/invalidParameters(_:)`` outside RFC 9106's ranges.
    public static func hash(
        password: [UInt8], salt: [UInt8], parameters: Argon2Parameters,
        secret: [UInt8] = [], associatedData: [UInt8] = []
    ) throws(PasswordHashError) -> [UInt8] {
        try parameters.validate(saltLength: salt.count)
        guard password.count <= Int(UInt32.max), secret.count <= Int(UInt32.max),
              associatedData.count <= Int(UInt32.max)
        else { throw .invalidParameters("input longer than 2^32 - 1 bytes") }
        let h0 = initialHash(password: password, salt: salt, parameters: parameters,
                             secret: secret, associatedData: associatedData)
        let instance = Argon2Instance(parameters: parameters)
        defer { instance.deallocate() }
        instance.initialize(h0: h0)
        instance.fill()
        return instance.finalize(tagLength: parameters.tagLength)
    }

    /// H0 (RFC 9106 §3.2 step 1): every input, length-prefixed, into BLAKE2b-512.
    static func initialHash(
        password: [UInt8], salt: [UInt8], parameters: Argon2Parameters, secret: [UInt8], associatedData: [UInt8]
    ) -> [UInt8] {
        var h = BLAKE2b(outputLength: 64)
        h.update(le32: UInt32(parameters.parallelism))
        h.update(le32: UInt32(parameters.tagLength))
        h.update(le32: UInt32(parameters.memoryKiB))
        h.update(le32: UInt32(parameters.iterations))
        h.update(le32: parameters.version.rawValue)
        h.update(le32: parameters.variant.typeCode)
        for field in [password, salt, secret, associatedData] {
            h.update(le32: UInt32(field.count))
            h.update(field)
        }
        return h.finalize()
    }
}
