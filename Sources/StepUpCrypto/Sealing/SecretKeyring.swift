import Crypto

/// Named 256-bit keys for sealing secrets: the first key seals, every key opens, so keys rotate by
/// adding a new key in front and dropping an old one only after everything is re-sealed.
public struct SecretKeyring: Sendable {
    /// The id written into new envelopes.
    public let currentKeyID: String
    let keys: [String: SymmetricKey]

    /// - Parameter keys: `(id, key)` pairs, newest first. Ids are 1...64 characters of `A-Za-z0-9._-`;
    ///   keys are exactly 32 bytes.
    public init(keys: [(id: String, key: SymmetricKey)]) throws(SealError) {
        guard let first = keys.first else { throw .invalidKeyring("no keys") }
        var map: [String: SymmetricKey] = [:]
        for (id, key) in keys {
            guard Self.isValidID(id) else { throw .invalidKeyring("key id must be 1...64 of A-Za-z0-9._-") }
            guard key.bitCount == 256 else { throw .invalidKeyring("key \(id) must be 32 bytes") }
            guard map[id] == nil else { throw .invalidKeyring("duplicate key id \(id)") }
            map[id] = key
        }
        currentKeyID = first.id
        self.keys = map
    }

    /// Parses `"k2:BASE64KEY,k1:BASE64KEY"` (standard base64 of 32 bytes, newest first), as written in config.
    public init(parsing config: String) throws(SealError) {
        var pairs: [(id: String, key: SymmetricKey)] = []
        for entry in config.split(separator: ",") {
            let trimmed = entry.trimmingSpaces
            guard let colon = trimmed.firstIndex(of: ":") else { throw .invalidKeyring("entries must be id:base64key") }
            guard let bytes = Base64.decode(trimmed[trimmed.index(after: colon)...]), bytes.count == 32 else {
                throw .invalidKeyring("key \(trimmed[..<colon]) must be base64 of 32 bytes")
            }
            pairs.append((String(trimmed[..<colon]), SymmetricKey(data: bytes)))
        }
        try self.init(keys: pairs)
    }

    /// A new random key in config form (`id:base64`), for `stepup keys` and first-run setup.
    public static func generateEntry(id: String) -> String {
        let key = SymmetricKey(size: .bits256)
        return id + ":" + key.withUnsafeBytes { Base64.encode(Array($0), padded: true) }
    }

    public var keyIDs: [String] { Array(keys.keys).sorted() }

    static func isValidID(_ id: String) -> Bool {
        (1...64).contains(id.utf8.count) && id.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"):
                true
            default: false
            }
        }
    }
}

extension Substring {
    var trimmingSpaces: Substring {
        var text = self
        while text.first == " " { text = text.dropFirst() }
        while text.last == " " { text = text.dropLast() }
        return text
    }
}
