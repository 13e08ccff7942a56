import Foundation
import JWTKit

/// One ES256 signing key and its life: active while newest, then still published (but not used) until every token
/// it signed has expired, then dropped from the JWKS.
public struct SigningKey: Sendable, Hashable, Codable {
    public var id: String
    /// PKCS#8 PEM of the private key. Sealed at rest by the server.
    public var privateKeyPEM: String
    public var createdAt: Date
    /// Set when a newer key took over.
    public var retiredAt: Date?
    /// After this the key is no longer published (retirement + longest token lifetime).
    public var publishedUntil: Date?

    public init(id: String, privateKeyPEM: String, createdAt: Date) {
        self.id = id
        self.privateKeyPEM = privateKeyPEM
        self.createdAt = createdAt
    }

    /// A new P-256 key with a random id.
    public static func generate(now: Date, using rng: inout some RandomNumberGenerator) -> SigningKey {
        SigningKey(id: OIDCRandom.identifier(bytes: 12, using: &rng), privateKeyPEM: ES256PrivateKey().pemRepresentation,
                   createdAt: now)
    }

    public func isPublished(at now: Date) -> Bool { publishedUntil.map { now < $0 } ?? true }

    public func privateKey() throws -> ES256PrivateKey { try ES256PrivateKey(pem: privateKeyPEM) }

    /// The public JWK (RFC 7517/7518 §6.2).
    public func publicJWK() throws -> [String: String] {
        guard let parameters = try privateKey().publicKey.parameters else { throw OIDCError.serverError("bad key") }
        return ["kty": "EC", "crv": "P-256", "x": parameters.x, "y": parameters.y, "kid": id, "use": "sig",
                "alg": "ES256"]
    }
}

/// The provider's keys: one signs, the published ones verify.
public struct SigningKeySet: Sendable, Hashable {
    public private(set) var keys: [SigningKey]

    public init(_ keys: [SigningKey]) { self.keys = keys.sorted { $0.createdAt > $1.createdAt } }

    /// The newest key not retired.
    public var active: SigningKey? { keys.first { $0.retiredAt == nil } }

    public func published(at now: Date) -> [SigningKey] { keys.filter { $0.isPublished(at: now) } }

    /// Adds `newKey` as the active key; the previous active key stays published for `overlap` (the longest token
    /// lifetime) so tokens it signed keep verifying until they expire.
    public mutating func rotate(to newKey: SigningKey, overlap: TimeInterval, now: Date) {
        keys = keys.map { key in
            var key = key
            if key.retiredAt == nil {
                key.retiredAt = now
                key.publishedUntil = now + overlap
            }
            return key
        }
        keys.insert(newKey, at: 0)
    }

    /// `{"keys": [...]}` for the JWKS endpoint.
    public func jwksJSON(at now: Date) throws -> String {
        let jwks = ["keys": try published(at: now).map { try $0.publicJWK() }]
        let data = try JSONSerialization.data(withJSONObject: jwks, options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }
}

/// Signs ID and access tokens with the active key.
public struct TokenSigner: Sendable {
    let keys: JWTKeyCollection
    let keyID: String

    public init(key: SigningKey) async throws {
        keys = await JWTKeyCollection().add(ecdsa: try key.privateKey(), kid: JWKIdentifier(string: key.id))
        keyID = key.id
    }

    public func sign(_ claims: IDTokenClaims) async throws -> String {
        var header = JWTHeader()
        header.typ = "JWT"
        return try await keys.sign(claims, kid: JWKIdentifier(string: keyID), header: header)
    }

    /// RFC 9068 §2.1: `typ` is `at+jwt`.
    public func sign(_ claims: AccessTokenClaims) async throws -> String {
        var header = JWTHeader()
        header.typ = AccessTokenClaims.type
        return try await keys.sign(claims, kid: JWKIdentifier(string: keyID), header: header)
    }
}
