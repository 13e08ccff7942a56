import StepUpArgon2

/// Argon2 (RFC 9106), written from the RFC.
///
/// ```swift
/// let tag = try Argon2.hash(password: Array("pw".utf8), salt: Array("somesalt".utf8),
///                           parameters: Argon2Parameters(memoryKiB: 65536, iterations: 3, parallelism: 4))
/// ```
/// Lanes run in parallel on Dispatch worker threads; this call blocks its thread for the whole
/// computation, so async callers go through ``PasswordHasher`` (which uses a dedicated pool for the hash
/// and its lanes).
///
/// This checks every input here, with overflow checks on; the memory-hard work then runs in
/// StepUpArgon2, which is compiled without them (`-Ounchecked`) and only accepts checked values.
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
        try hash(password: password, salt: salt, parameters: parameters, secret: secret,
                 associatedData: associatedData, lanes: nil)
    }

    /// ``hash(password:salt:parameters:secret:associatedData:)`` with the lanes run by `lanes` (a
    /// ``HashingPool``'s threads) instead of Dispatch's.
    static func hash(
        password: [UInt8], salt: [UInt8], parameters: Argon2Parameters,
        secret: [UInt8] = [], associatedData: [UInt8] = [], lanes: Argon2LaneRunner?
    ) throws(PasswordHashError) -> [UInt8] {
        try parameters.validate(saltLength: salt.count)
        guard password.count <= Int(UInt32.max), secret.count <= Int(UInt32.max),
              associatedData.count <= Int(UInt32.max)
        else { throw .invalidParameters("input longer than 2^32 - 1 bytes") }
        // Both already hold after the checks above; the core re-checks them because it cannot trap.
        guard let shape = parameters.shape,
              let tag = Argon2Kernel.hash(password: password, salt: salt, secret: secret,
                                          associatedData: associatedData, shape: shape, lanes: lanes)
        else { throw .invalidParameters("outside RFC 9106's ranges") }
        return tag
    }
}
