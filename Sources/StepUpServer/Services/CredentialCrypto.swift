import Foundation
import StepUpCrypto
import Synchronization

/// The server's one door to StepUpCrypto: password hashing, TOTP, sealing and recovery codes, configured once.
public struct CredentialCrypto: Sendable {
    let sealer: SecretSealer
    let hasher: PasswordHasher
    /// Runs recovery-code hashing off the request threads, like password hashing.
    let pool: HashingPool
    let totp: ServerConfiguration.TOTP
    /// Password-hash evaluations this door has completed (a test seam: tests show every sign-in path pays the same).
    let evaluations = PasswordEvaluations()

    /// - Parameter hashing: how hashing threads compete for the CPU: `.background` for a server (requests first),
    ///   `.normal` for a one-shot command, which has nothing to give way to.
    public init(sealer: SecretSealer, passwords: ServerConfiguration.Passwords = .init(),
                totp: ServerConfiguration.TOTP = .init(), hashing: HashingPool.Priority = .background) {
        self.sealer = sealer
        let pool = HashingPool(threads: passwords.concurrentHashes, priority: hashing)
        self.hasher = PasswordHasher(
            parameters: Argon2Parameters(memoryKiB: passwords.memoryKiB, iterations: passwords.iterations,
                                         parallelism: passwords.parallelism),
            pool: pool)
        self.pool = pool
        self.totp = totp
    }

    // MARK: passwords

    func hashPassword(_ password: String) async throws -> String {
        try await overloadAware { try await hasher.hash(password) }
    }

    /// A malformed or hostile stored hash never matches (and is logged by the caller as a failure); a full
    /// hashing pool throws ``StepUpError/overloaded`` — that is nobody's wrong password.
    func verifyPassword(_ password: String, phc: String) async throws -> (matches: Bool, needsRehash: Bool) {
        do {
            let result = try await hasher.verify(password, against: phc)
            evaluations.count(\.stored)
            return (result.isMatch, result.needsRehash)
        } catch let error as PasswordHashError where error.isOverloaded {
            throw StepUpError.overloaded
        } catch {
            return (false, false)
        }
    }

    /// Spends the same work as a real verification, so unknown users cannot be told apart by timing.
    func burnUnknownUser(_ password: String) async throws {
        try await overloadAware { try await hasher.verifyUnknownUser(password) }
        evaluations.count(\.decoy)
    }

    /// Runs hashing work, turning a full pool into ``StepUpError/overloaded``.
    private func overloadAware<T>(_ work: () async throws -> T) async throws -> T {
        do {
            return try await work()
        } catch let error as PasswordHashError where error.isOverloaded {
            throw StepUpError.overloaded
        }
    }

    // MARK: TOTP

    func newTOTPSecret() -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<20).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }

    func base32(_ secret: [UInt8]) -> String { Base32.encode(secret) }

    private func generator(secret: [UInt8], parameters: [String: String]) -> TOTP? {
        let algorithm = OTPAlgorithm(rawValue: parameters["algorithm"] ?? "SHA1") ?? .sha1
        let digits = parameters["digits"].flatMap(Int.init) ?? totp.digits
        let period = parameters["period"].flatMap(Int.init) ?? totp.period
        return try? TOTP(secret: secret, digits: digits, algorithm: algorithm, period: period)
    }

    /// The step to record if `code` is valid and newer than `lastStep`; `nil` otherwise.
    func verifyTOTP(secret: [UInt8], parameters: [String: String], code: String, lastStep: Int64?, at date: Date)
        -> Int64?
    {
        guard let generator = generator(secret: secret, parameters: parameters) else { return nil }
        let window = parameters["window"].flatMap(Int.init) ?? totp.window
        let last = lastStep.flatMap { $0 >= 0 ? UInt64($0) : nil }
        guard let match = generator.verify(code, at: date, lastAcceptedStep: last, window: window) else { return nil }
        return Int64(clamping: match.step)
    }

    func otpauthURI(secret: [UInt8], account: String, issuer: String, parameters: [String: String]) -> String {
        OTPAuthURI(kind: .totp, issuer: issuer, account: account, secret: secret,
                   algorithm: OTPAlgorithm(rawValue: parameters["algorithm"] ?? "SHA1") ?? .sha1,
                   digits: parameters["digits"].flatMap(Int.init) ?? totp.digits,
                   period: parameters["period"].flatMap(Int.init) ?? totp.period).description
    }

    // MARK: sealing

    /// The envelope is bound to its owner and factor: a secret copied to another row does not open.
    func seal(_ secret: [UInt8], owner: String, factor: String) throws -> Data {
        Data(try sealer.seal(secret, context: SealContext(owner: owner, factor: factor)))
    }

    func open(_ sealed: Data, owner: String, factor: String) throws -> [UInt8] {
        try sealer.open(Array(sealed), context: SealContext(owner: owner, factor: factor))
    }

    // MARK: recovery codes

    func newRecoveryCodes() -> [String] { RecoveryCodes.generate() }

    func hashRecoveryCode(_ code: String) async throws -> String {
        try await overloadAware { try await pool.run(repeatable: true) { try RecoveryCodes.hash(code) } }
    }

    /// The index of the stored hash `code` matches; every hash is checked, so timing tells nothing.
    func matchRecoveryCode(_ code: String, hashes: [String]) async throws -> Int? {
        guard !hashes.isEmpty, RecoveryCodes.normalize(code) != nil else { return nil }
        return try await overloadAware { try await pool.run(repeatable: true) { RecoveryCodes.match(code, against: hashes) } }
    }
}

/// Completed password verifications, against a stored hash or the decoy; counted, never timed.
final class PasswordEvaluations: Sendable {
    struct Counts: Sendable, Equatable {
        var stored = 0
        var decoy = 0
        var total: Int { stored + decoy }
    }

    private let counts = Mutex(Counts())

    var current: Counts { counts.withLock { $0 } }

    func count(_ kind: WritableKeyPath<Counts, Int>) {
        counts.withLock { $0[keyPath: kind] += 1 }
    }
}
