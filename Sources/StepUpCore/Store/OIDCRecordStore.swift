import Foundation

/// One record of the OpenID Provider (a client, an authorization code, a refresh-token family, the signing keys,
/// a pending authorization request). The body is JSON that the OIDC module owns; the store only needs the
/// columns its guarded operations test: the secret hash, the session, expiry and revocation.
public struct OIDCRecord: Sendable, Hashable {
    public var kind: String
    public var id: String
    /// SHA-256 of the record's current secret (a refresh family's newest token), if it has one.
    public var secretHash: String?
    public var sessionID: String?
    public var body: String
    public var expiresAt: Date?
    public var revokedAt: Date?

    public init(kind: String, id: String, secretHash: String? = nil, sessionID: String? = nil, body: String,
                expiresAt: Date? = nil, revokedAt: Date? = nil) {
        self.kind = kind
        self.id = id
        self.secretHash = secretHash
        self.sessionID = sessionID
        self.body = body
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
    }
}

/// The OpenID Provider's records. Single-use and rotation are atomic in every backend (one conditional
/// statement), so racing redemptions of one code, or racing refreshes with one token, have exactly one winner.
public protocol OIDCRecordStore: Sendable {
    /// Inserts or replaces `(kind, id)`.
    func putOIDCRecord(_ record: OIDCRecord) async throws
    func oidcRecord(kind: String, id: String) async throws -> OIDCRecord?
    /// Every record of `kind`, by id.
    func oidcRecords(kind: String) async throws -> [OIDCRecord]
    /// `false` when there was none.
    @discardableResult
    func removeOIDCRecord(kind: String, id: String) async throws -> Bool
    /// Removes and returns the record if it exists, is not revoked and has not expired at `at`: single use.
    func takeOIDCRecord(kind: String, id: String, at: Date) async throws -> OIDCRecord?
    /// Replaces secret and body only while the stored secret is `expectedSecretHash`, the record is not revoked
    /// and not expired at `at`; `false` (changing nothing) otherwise. Rotation of refresh tokens.
    func swapOIDCRecord(kind: String, id: String, expectedSecretHash: String, newSecretHash: String, body: String,
                        at: Date) async throws -> Bool
    /// Marks revoked the record `id`, or every record of the session `sessionID`; returns how many changed.
    @discardableResult
    func revokeOIDCRecords(kind: String, id: String?, sessionID: String?, at: Date) async throws -> Int
}
