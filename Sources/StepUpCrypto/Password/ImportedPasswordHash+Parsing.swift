extension ImportedPasswordHash {
    private static let bcryptAlphabet = Set("./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8)

    static func parseBcrypt(_ text: String, limits: Argon2Limits) throws(PasswordHashError) -> Kind {
        let bytes = Array(text.utf8)
        guard bytes.count == 60, bytes[6] == UInt8(ascii: "$"),
              bytes[7...].allSatisfy({ bcryptAlphabet.contains($0) })
        else { throw .malformedHash("bcrypt hash must be $2?$NN$ followed by 53 characters") }
        let costDigits = bytes[4...5]
        guard costDigits.allSatisfy({ (48...57).contains($0) }) else { throw .malformedHash("bcrypt cost") }
        let cost = Int(costDigits[4] - 48) * 10 + Int(costDigits[5] - 48)
        guard (4...31).contains(cost) else { throw .malformedHash("bcrypt cost must be 04...31") }
        guard cost <= limits.maxBcryptCost else { throw .limitExceeded("bcrypt cost \(cost)") }
        // $2y$ (PHP) is the same algorithm as $2b$; the C verifier only knows the latter.
        let normalized = bytes[2] == UInt8(ascii: "y") ? "$2b$" + text.dropFirst(4) : text
        return .bcrypt(normalized: normalized)
    }

    static func parsePasslibPBKDF2(_ text: String, limits: Argon2Limits) throws(PasswordHashError) -> Kind {
        let fields = text.split(separator: "$", omittingEmptySubsequences: false)
        guard fields.count == 5 else { throw .malformedHash("expected $pbkdf2-sha…$rounds$salt$checksum") }
        let rounds = try PHCString.number(fields[2], name: "rounds")
        guard let salt = Base64.decode(fields[3], alphabet: Base64.adapted),
              let hash = Base64.decode(fields[4], alphabet: Base64.adapted)
        else { throw .malformedHash("salt and checksum must be passlib base64") }
        return try pbkdf2(sha512: fields[1] == "pbkdf2-sha512", rounds: rounds, salt: salt, hash: hash, limits)
    }

    static func parseDjangoPBKDF2(_ text: String, limits: Argon2Limits) throws(PasswordHashError) -> Kind {
        let fields = text.split(separator: "$", omittingEmptySubsequences: false)
        guard fields.count == 4 else { throw .malformedHash("expected pbkdf2_sha256$iterations$salt$hash") }
        let rounds = try PHCString.number(fields[1], name: "iterations")
        guard let hash = Base64.decode(fields[3]) else { throw .malformedHash("hash must be base64") }
        return try pbkdf2(sha512: false, rounds: rounds, salt: Array(fields[2].utf8), hash: hash, limits)
    }

    private static func pbkdf2(
        sha512: Bool, rounds: Int, salt: [UInt8], hash: [UInt8], _ limits: Argon2Limits
    ) throws(PasswordHashError) -> Kind {
        guard rounds >= 1 else { throw .malformedHash("iterations must be at least 1") }
        guard rounds <= limits.maxPBKDF2Iterations else { throw .limitExceeded("PBKDF2 iterations \(rounds)") }
        guard !salt.isEmpty, salt.count <= 1024 else { throw .malformedHash("salt length") }
        guard hash.count >= 16, hash.count <= 128 else { throw .malformedHash("hash length \(hash.count)") }
        return .pbkdf2(sha512: sha512, iterations: rounds, salt: salt, hash: hash)
    }

    static func parsePasslibScrypt(_ text: String, limits: Argon2Limits) throws(PasswordHashError) -> Kind {
        let fields = text.split(separator: "$", omittingEmptySubsequences: false)
        guard fields.count == 5 else { throw .malformedHash("expected $scrypt$ln=…,r=…,p=…$salt$checksum") }
        let pairs = fields[2].split(separator: ",", omittingEmptySubsequences: false)
        guard pairs.count == 3, pairs[0].hasPrefix("ln="), pairs[1].hasPrefix("r="), pairs[2].hasPrefix("p=") else {
            throw .malformedHash("parameters must be ln=…,r=…,p=…")
        }
        let logN = try PHCString.number(pairs[0].dropFirst(3), name: "ln")
        guard (1...40).contains(logN) else { throw .malformedHash("ln must be 1...40") }
        let r = try PHCString.number(pairs[1].dropFirst(2), name: "r")
        let p = try PHCString.number(pairs[2].dropFirst(2), name: "p")
        // passlib writes scrypt salts and checksums in standard base64 without padding (PHC style).
        guard let salt = Base64.decode(fields[3]), let hash = Base64.decode(fields[4]) else {
            throw .malformedHash("salt and checksum must be base64")
        }
        return try scrypt(n: 1 << logN, r: r, p: p, salt: salt, hash: hash, limits)
    }

    static func parseDjangoScrypt(_ text: String, limits: Argon2Limits) throws(PasswordHashError) -> Kind {
        let fields = text.split(separator: "$", omittingEmptySubsequences: false)
        guard fields.count == 6 else { throw .malformedHash("expected scrypt$salt$N$r$p$hash") }
        let n = try PHCString.number(fields[2], name: "N")
        let r = try PHCString.number(fields[3], name: "r")
        let p = try PHCString.number(fields[4], name: "p")
        guard let hash = Base64.decode(fields[5]) else { throw .malformedHash("hash must be base64") }
        return try scrypt(n: n, r: r, p: p, salt: Array(fields[1].utf8), hash: hash, limits)
    }

    private static func scrypt(
        n: Int, r: Int, p: Int, salt: [UInt8], hash: [UInt8], _ limits: Argon2Limits
    ) throws(PasswordHashError) -> Kind {
        guard n > 1, n & (n - 1) == 0 else { throw .malformedHash("scrypt N must be a power of two > 1") }
        guard (1...1024).contains(r), (1...64).contains(p) else { throw .malformedHash("scrypt r or p out of range") }
        let (memoryKiB, overflow) = (n / 8).multipliedReportingOverflow(by: r)  // 128·r·N bytes / 1024
        guard !overflow, memoryKiB <= limits.maxScryptMemoryKiB else { throw .limitExceeded("scrypt memory") }
        guard p <= limits.maxParallelism else { throw .limitExceeded("scrypt parallelism \(p)") }
        guard !salt.isEmpty, salt.count <= 1024 else { throw .malformedHash("salt length") }
        guard hash.count >= 16, hash.count <= 128 else { throw .malformedHash("hash length \(hash.count)") }
        return .scrypt(n: n, r: r, p: p, salt: salt, hash: hash)
    }
}
