/// An Argon2 hash in the PHC string format, as the reference implementation writes it:
/// `$argon2id$v=19$m=65536,t=3,p=4$<salt>$<hash>` (standard base64, no padding).
///
/// ```swift
/// let phc = try PHCString(parsing: stored, limits: Argon2Limits())
/// let ok = try phc.verify(password: Array("pw".utf8))
/// ```
public struct PHCString: Sendable, Hashable, CustomStringConvertible {
    public var parameters: Argon2Parameters
    public var salt: [UInt8]
    public var hash: [UInt8]

    public init(parameters: Argon2Parameters, salt: [UInt8], hash: [UInt8]) {
        var parameters = parameters
        parameters.saltLength = salt.count
        parameters.tagLength = hash.count
        self.parameters = parameters
        self.salt = salt
        self.hash = hash
    }

    /// The encoded string, with `v=` always written (`v=16` for v1.0), as the reference implementation and
    /// argon2-cffi write it: a parser that meets no `v=` may guess another version (argon2-cffi reads v1.2).
    public var description: String {
        let p = parameters
        return "$\(p.variant.rawValue)$v=\(p.version.rawValue)$m=\(p.memoryKiB),t=\(p.iterations),p=\(p.parallelism)"
            + "$\(Base64.encode(salt))$\(Base64.encode(hash))"
    }

    /// Recomputes the tag for `password` and compares in constant time.
    public func verify(password: [UInt8]) throws(PasswordHashError) -> Bool {
        try verify(password: password, lanes: nil)
    }

    /// ``verify(password:)`` with the lanes run by `lanes` (a ``HashingPool``'s threads).
    func verify(password: [UInt8], lanes: Argon2LaneRunner?) throws(PasswordHashError) -> Bool {
        let tag = try Argon2.hash(password: password, salt: salt, parameters: parameters, lanes: lanes)
        return ConstantTime.equals(tag, hash)
    }
}
