import Foundation
import StepUpCore
import StepUpCrypto
import StepUpOIDC

/// The provider's typed view of its store records: each OIDC value as JSON under one `kind`.
struct OIDCRecords: Sendable {
    enum Kind {
        static let client = "client"
        static let code = "code"
        static let refresh = "refresh"
        static let keys = "signing_keys"
        static let pending = "pending"
        static let revokedAccessToken = "revoked_jti"
    }

    let store: any OIDCRecordStore

    static func encode(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        return try decoder.decode(type, from: Data(text.utf8))
    }

    // MARK: clients

    func client(id: String) async throws -> OIDCClient? {
        guard let record = try await store.oidcRecord(kind: Kind.client, id: id) else { return nil }
        return try Self.decode(OIDCClient.self, record.body)
    }

    func clients() async throws -> [OIDCClient] {
        try await store.oidcRecords(kind: Kind.client).map { try Self.decode(OIDCClient.self, $0.body) }
    }

    func save(_ client: OIDCClient) async throws {
        try await store.putOIDCRecord(OIDCRecord(kind: Kind.client, id: client.id, body: try Self.encode(client)))
    }

    // MARK: codes

    func save(_ code: AuthorizationCode) async throws {
        try await store.putOIDCRecord(OIDCRecord(kind: Kind.code, id: code.codeHash,
                                                 sessionID: code.authentication.sessionID,
                                                 body: try Self.encode(code), expiresAt: code.expiresAt))
    }

    /// Single use: of racing redemptions only one gets the code.
    func takeCode(_ code: String, at: Date) async throws -> AuthorizationCode? {
        guard let record = try await store.takeOIDCRecord(kind: Kind.code, id: AuthorizationCode.hash(code), at: at)
        else { return nil }
        return try Self.decode(AuthorizationCode.self, record.body)
    }

    // MARK: refresh families

    func create(_ family: RefreshFamily) async throws {
        try await store.putOIDCRecord(OIDCRecord(
            kind: Kind.refresh, id: family.id, secretHash: family.currentSecretHash,
            sessionID: family.authentication.sessionID, body: try Self.encode(family), expiresAt: family.expiresAt))
    }

    func family(id: String) async throws -> RefreshFamily? {
        guard let record = try await store.oidcRecord(kind: Kind.refresh, id: id) else { return nil }
        var family = try Self.decode(RefreshFamily.self, record.body)
        family.currentSecretHash = record.secretHash ?? ""
        family.revokedAt = record.revokedAt
        return family
    }

    /// Rotation: succeeds only for the holder of the current token.
    func rotate(_ family: RefreshFamily, from old: String, at: Date) async throws -> Bool {
        try await store.swapOIDCRecord(kind: Kind.refresh, id: family.id, expectedSecretHash: old,
                                       newSecretHash: family.currentSecretHash, body: try Self.encode(family), at: at)
    }

    @discardableResult
    func revokeFamily(id: String, at: Date) async throws -> Int {
        try await store.revokeOIDCRecords(kind: Kind.refresh, id: id, sessionID: nil, at: at)
    }

    @discardableResult
    func revokeFamilies(sessionID: String, at: Date) async throws -> Int {
        try await store.revokeOIDCRecords(kind: Kind.refresh, id: nil, sessionID: sessionID, at: at)
    }

    // MARK: revoked access tokens

    func revokeAccessToken(jti: String, until: Date) async throws {
        try await store.putOIDCRecord(OIDCRecord(kind: Kind.revokedAccessToken, id: jti, body: "{}", expiresAt: until))
    }

    func isRevoked(jti: String) async throws -> Bool {
        try await store.oidcRecord(kind: Kind.revokedAccessToken, id: jti) != nil
    }

    // MARK: pending authorization requests

    struct Pending: Codable, Sendable {
        var parameters: [[String]]
        var startedAt: Date
        /// The step-up bound to the request's `authorization_details`: only its grant may issue the code.
        var challengeID: String?
    }

    func savePending(id: String, parameters: [(String, String)], startedAt: Date, lifetime: TimeInterval,
                     challengeID: String? = nil) async throws {
        let pending = Pending(parameters: parameters.map { [$0.0, $0.1] }, startedAt: startedAt,
                              challengeID: challengeID)
        try await store.putOIDCRecord(OIDCRecord(kind: Kind.pending, id: id, body: try Self.encode(pending),
                                                 expiresAt: startedAt + lifetime))
    }

    func pending(id: String, at: Date) async throws -> Pending? {
        guard let record = try await store.oidcRecord(kind: Kind.pending, id: id),
              record.expiresAt.map({ at < $0 }) ?? false else { return nil }
        return try Self.decode(Pending.self, record.body)
    }

    func removePending(id: String) async throws {
        try await store.removeOIDCRecord(kind: Kind.pending, id: id)
    }

    // MARK: signing keys (sealed)

    /// Keys with their PEM sealed under the server's keyring (associated data names the key).
    struct StoredKey: Codable {
        var id: String
        var sealedPEM: String
        var createdAt: Date
        var retiredAt: Date?
        var publishedUntil: Date?
    }

    func signingKeys(sealer: SecretSealer) async throws -> SigningKeySet {
        guard let record = try await store.oidcRecord(kind: Kind.keys, id: "provider") else { return SigningKeySet([]) }
        let stored = try Self.decode([StoredKey].self, record.body)
        return SigningKeySet(try stored.map { entry in
            guard let envelope = Data(base64Encoded: entry.sealedPEM) else {
                throw OIDCError.serverError("signing key \(entry.id) is not sealed base64")
            }
            let pem = try sealer.open(Array(envelope), context: Self.sealContext(entry.id))
            var key = SigningKey(id: entry.id, privateKeyPEM: String(decoding: pem, as: UTF8.self),
                                 createdAt: entry.createdAt)
            key.retiredAt = entry.retiredAt
            key.publishedUntil = entry.publishedUntil
            return key
        })
    }

    func save(_ keys: SigningKeySet, sealer: SecretSealer) async throws {
        let stored = try keys.keys.map { key in
            StoredKey(id: key.id, sealedPEM: Data(try sealer.seal(Array(key.privateKeyPEM.utf8),
                                                                 context: Self.sealContext(key.id))).base64EncodedString(),
                      createdAt: key.createdAt, retiredAt: key.retiredAt, publishedUntil: key.publishedUntil)
        }
        try await store.putOIDCRecord(OIDCRecord(kind: Kind.keys, id: "provider", body: try Self.encode(stored)))
    }

    static func sealContext(_ keyID: String) -> SealContext {
        SealContext(owner: "oidc-provider", factor: "signing-key:\(keyID)")
    }
}
