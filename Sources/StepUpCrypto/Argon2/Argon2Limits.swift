/// Upper bounds on the cost of a hash read from storage or input.
///
/// A planted or corrupted hash such as `m=4294967295` must not let one login allocate 4 TiB:
/// anything above these caps is refused before any memory is touched.
public struct Argon2Limits: Sendable, Hashable {
    public var maxMemoryKiB: Int
    public var maxIterations: Int
    public var maxParallelism: Int
    public var maxSaltLength: Int
    public var maxTagLength: Int
    /// Cap on imported bcrypt costs (2^cost rounds).
    public var maxBcryptCost: Int
    /// Cap on imported PBKDF2 iteration counts.
    public var maxPBKDF2Iterations: Int
    /// Cap on imported scrypt memory, 128 · r · N bytes, in KiB.
    public var maxScryptMemoryKiB: Int

    public init(
        maxMemoryKiB: Int = 262_144, maxIterations: Int = 16, maxParallelism: Int = 16,
        maxSaltLength: Int = 64, maxTagLength: Int = 128, maxBcryptCost: Int = 16,
        maxPBKDF2Iterations: Int = 2_000_000, maxScryptMemoryKiB: Int = 262_144
    ) {
        self.maxMemoryKiB = maxMemoryKiB
        self.maxIterations = maxIterations
        self.maxParallelism = maxParallelism
        self.maxSaltLength = maxSaltLength
        self.maxTagLength = maxTagLength
        self.maxBcryptCost = maxBcryptCost
        self.maxPBKDF2Iterations = maxPBKDF2Iterations
        self.maxScryptMemoryKiB = maxScryptMemoryKiB
    }

    /// Throws ``PasswordHashError/limitExceeded(_:)`` when `parameters` with `saltLength` exceed a cap.
    public func check(_ parameters: Argon2Parameters, saltLength: Int) throws(PasswordHashError) {
        if parameters.memoryKiB > maxMemoryKiB { throw .limitExceeded("memory \(parameters.memoryKiB) KiB") }
        if parameters.iterations > maxIterations { throw .limitExceeded("iterations \(parameters.iterations)") }
        if parameters.parallelism > maxParallelism { throw .limitExceeded("parallelism \(parameters.parallelism)") }
        if saltLength > maxSaltLength { throw .limitExceeded("salt length \(saltLength)") }
        if parameters.tagLength > maxTagLength { throw .limitExceeded("hash length \(parameters.tagLength)") }
    }
}
