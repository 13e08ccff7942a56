/// Cost and shape of an Argon2 hash.
///
/// The defaults are RFC 9106 §4's second recommended option (64 MiB, 3 passes, 4 lanes) with a
/// 16-byte salt and a 32-byte tag, for new password hashes.
public struct Argon2Parameters: Sendable, Hashable {
    public var variant: Argon2Variant
    public var version: Argon2Version
    /// Memory in KiB (the RFC's `m`); at least 8 × parallelism.
    public var memoryKiB: Int
    /// Passes over memory (the RFC's `t`).
    public var iterations: Int
    /// Lanes (the RFC's `p`), computed in parallel.
    public var parallelism: Int
    /// Salt bytes generated for new hashes.
    public var saltLength: Int
    /// Tag bytes (the RFC's `T`).
    public var tagLength: Int

    public init(
        variant: Argon2Variant = .argon2id, version: Argon2Version = .v13,
        memoryKiB: Int = 65536, iterations: Int = 3, parallelism: Int = 4,
        saltLength: Int = 16, tagLength: Int = 32
    ) {
        self.variant = variant
        self.version = version
        self.memoryKiB = memoryKiB
        self.iterations = iterations
        self.parallelism = parallelism
        self.saltLength = saltLength
        self.tagLength = tagLength
    }

    /// RFC 9106 §3.1 ranges (salt at least 8 bytes, as the reference implementation requires).
    func validate(saltLength salt: Int) throws(PasswordHashError) {
        guard (1...0xFF_FFFF).contains(parallelism) else {
            throw .invalidParameters("parallelism must be 1...16777215")
        }
        guard tagLength >= 4, tagLength <= Int(UInt32.max) else {
            throw .invalidParameters("tag length must be at least 4 bytes")
        }
        guard memoryKiB <= Int(UInt32.max), memoryKiB >= 8 * parallelism else {
            throw .invalidParameters("memory must be at least 8 KiB per lane")
        }
        guard iterations >= 1, iterations <= Int(UInt32.max) else {
            throw .invalidParameters("iterations must be at least 1")
        }
        guard salt >= 8, salt <= Int(UInt32.max) else {
            throw .invalidParameters("salt must be at least 8 bytes")
        }
    }
}
