import Crypto
import HummingbirdBcrypt
import _CryptoExtras

extension ImportedPasswordHash {
    /// Recomputes the hash for `password` (blocking; call through ``HashingPool``) and compares in constant time.
    public func verify(password: [UInt8]) throws -> Bool {
        switch kind {
        case .bcrypt(let normalized):
            // The C verifier takes a NUL-terminated string: a password with a NUL byte would be truncated.
            guard !password.contains(0) else { return false }
            return Bcrypt.verify(String(decoding: password, as: UTF8.self), hash: normalized)
        case .pbkdf2(let sha512, let iterations, let salt, let hash):
            let key = try KDF.Insecure.PBKDF2.deriveKey(
                from: password, salt: salt, using: sha512 ? .sha512 : .sha256,
                outputByteCount: hash.count, unsafeUncheckedRounds: iterations
            )
            return key.withUnsafeBytes { ConstantTime.equals($0, hash) }
        case .scrypt(let n, let r, let p, let salt, let hash):
            let key = try KDF.Scrypt.deriveKey(
                from: password, salt: salt, outputByteCount: hash.count, rounds: n, blockSize: r, parallelism: p
            )
            return key.withUnsafeBytes { ConstantTime.equals($0, hash) }
        }
    }
}
