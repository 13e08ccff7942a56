extension PHCString {
    /// Parses a PHC string, refusing anything malformed or above `limits` before any work is done.
    /// - Throws: ``PasswordHashError`` `.malformedHash`, `.unsupportedScheme`, `.invalidParameters`
    ///   or `.limitExceeded`; never traps on hostile input.
    public init(parsing text: String, limits: Argon2Limits = Argon2Limits()) throws(PasswordHashError) {
        guard text.utf8.count <= 1024 else { throw .malformedHash("longer than 1024 bytes") }
        var fields = text.split(separator: "$", omittingEmptySubsequences: false)
        guard fields.count >= 5, fields[0].isEmpty else { throw .malformedHash("expected $argon2…$…$…$…") }
        guard let variant = Argon2Variant(rawValue: String(fields[1])) else {
            throw .unsupportedScheme("\(fields[1].prefix(20)) is not argon2d, argon2i or argon2id")
        }
        var version = Argon2Version.v10
        if fields[2].hasPrefix("v=") {
            let value = try Self.number(fields[2].dropFirst(2), name: "v")
            guard let known = Argon2Version(rawValue: UInt32(truncatingIfNeeded: value)), value <= 0xFF else {
                throw .unsupportedScheme("version \(value)")
            }
            version = known
            fields.remove(at: 2)
        }
        guard fields.count == 5 else { throw .malformedHash("expected 5 $-separated fields") }
        let pairs = fields[2].split(separator: ",", omittingEmptySubsequences: false)
        guard pairs.count == 3, pairs[0].hasPrefix("m="), pairs[1].hasPrefix("t="), pairs[2].hasPrefix("p=") else {
            throw .malformedHash("parameters must be m=…,t=…,p=…")
        }
        let memory = try Self.number(pairs[0].dropFirst(2), name: "m")
        let iterations = try Self.number(pairs[1].dropFirst(2), name: "t")
        let lanes = try Self.number(pairs[2].dropFirst(2), name: "p")
        guard let salt = Base64.decode(fields[3]), let hash = Base64.decode(fields[4]) else {
            throw .malformedHash("salt and hash must be base64")
        }
        let parameters = Argon2Parameters(
            variant: variant, version: version, memoryKiB: memory, iterations: iterations, parallelism: lanes,
            saltLength: salt.count, tagLength: hash.count
        )
        try limits.check(parameters, saltLength: salt.count)
        try parameters.validate(saltLength: salt.count)
        self.init(parameters: parameters, salt: salt, hash: hash)
    }

    /// A decimal without sign or leading zeros, at most 10 digits (so it fits in UInt32 checks without overflow).
    static func number(_ text: Substring, name: String) throws(PasswordHashError) -> Int {
        guard !text.isEmpty, text.count <= 10, text.utf8.allSatisfy({ (48...57).contains($0) }),
              text == "0" || !text.hasPrefix("0"), let value = Int(text)
        else { throw .malformedHash("\(name) must be a decimal number") }
        return value
    }
}
