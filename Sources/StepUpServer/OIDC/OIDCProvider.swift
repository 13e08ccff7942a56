import Foundation
import JWTKit
import Logging
import StepUpCore
import StepUpCrypto
import StepUpOIDC
import Synchronization

/// StepUp as an OpenID Provider: the use cases behind `/oauth2/*`, on the same sessions, policy and step-up
/// ceremonies as the rest of StepUp. Holds no state of its own: clients, codes, refresh families and the sealed
/// signing keys live in the store, so several instances can share one database.
public final class OIDCProvider: Sendable {
    let service: StepUpService
    let records: OIDCRecords
    /// `server.public_url`, without a trailing slash.
    public let issuer: String
    /// How long a pending authorization request (waiting for a sign-in or step-up) is kept.
    let pendingLifetime: TimeInterval = 900
    /// Signing keys, re-read from the store at most every few seconds (a rotation by another process shows up
    /// within that time; verification falls back to a fresh read for an unknown `kid`).
    let keyCache = Mutex<(keys: SigningKeySet, readAt: Date)?>(nil)
    /// The signer of the active key and the verifying collection of the published keys, made once per key set
    /// (parsing PEM keys per token would cost more than the signature on the edge's hot path).
    let signerCache = Mutex<(keyID: String, signer: TokenSigner)?>(nil)
    let verifierCache = Mutex<(keys: [String], collection: JWTKeyCollection)?>(nil)

    public init(service: StepUpService, store: any OIDCRecordStore) {
        self.service = service
        records = OIDCRecords(store: store)
        let url = service.configuration.http.publicURL
        issuer = url.hasSuffix("/") ? String(url.dropLast()) : url
    }

    var ladder: LevelLadder { service.policy.current.ladder }
    var now: Date { service.now() }

    public var metadata: ProviderMetadata { ProviderMetadata(issuer: issuer, ladder: ladder) }

    // MARK: keys

    /// The current key set; the first use creates a key.
    func signingKeys(refresh: Bool = false) async throws -> SigningKeySet {
        let at = now
        if !refresh, let cached = keyCache.withLock({ $0 }), at.timeIntervalSince(cached.readAt) < 5,
           cached.keys.active != nil {
            return cached.keys
        }
        var keys = try await records.signingKeys(sealer: service.crypto.sealer)
        if keys.active == nil {
            var rng = SystemRandomNumberGenerator()
            keys.rotate(to: SigningKey.generate(now: at, using: &rng), overlap: longestTokenLifetime, now: at)
            try await records.save(keys, sealer: service.crypto.sealer)
        }
        let result = keys
        keyCache.withLock { $0 = (result, at) }
        return keys
    }

    /// The JWKS document: every key still published.
    public func jwks() async throws -> String {
        try await signingKeys().jwksJSON(at: now)
    }

    /// A new active key; the previous one stays published until the tokens it signed have expired.
    @discardableResult
    public func rotateKeys() async throws -> SigningKey {
        var keys = try await signingKeys(refresh: true)
        var rng = SystemRandomNumberGenerator()
        let key = SigningKey.generate(now: now, using: &rng)
        keys.rotate(to: key, overlap: longestTokenLifetime, now: now)
        try await records.save(keys, sealer: service.crypto.sealer)
        keyCache.withLock { $0 = nil }
        try await service.auditor.record("oidc.keys.rotated", at: now, details: ["kid": key.id])
        return key
    }

    /// Every key, published or not, newest first (for `stepup keys list`).
    public func allKeys() async throws -> [SigningKey] { try await signingKeys(refresh: true).keys }

    /// The longest lifetime any token may have: ID and access tokens are capped at one day.
    var longestTokenLifetime: TimeInterval { 86_400 }

    func signer() async throws -> TokenSigner {
        guard let key = try await signingKeys().active else { throw OIDCError.serverError("no signing key") }
        if let cached = signerCache.withLock({ $0 }), cached.keyID == key.id { return cached.signer }
        let signer = try await TokenSigner(key: key)
        signerCache.withLock { $0 = (key.id, signer) }
        return signer
    }

    /// Verifies one of our own access tokens: signature by a published key, `typ`, `iss`, expiry, not revoked.
    func verifyAccessToken(_ token: String) async throws -> AccessTokenClaims? {
        guard token.utf8.count <= 8_192 else { return nil }
        for refresh in [false, true] {
            let published = try await signingKeys(refresh: refresh).published(at: now)
            let ids = published.map(\.id)
            let collection: JWTKeyCollection
            if let cached = verifierCache.withLock({ $0 }), cached.keys == ids {
                collection = cached.collection
            } else {
                collection = JWTKeyCollection()
                for key in published {
                    await collection.add(ecdsa: try key.privateKey().publicKey, kid: JWKIdentifier(string: key.id))
                }
                verifierCache.withLock { $0 = (ids, collection) }
            }
            do {
                let header = try DefaultJWTParser().parse(Array(token.utf8), as: AccessTokenClaims.self).header
                guard header.typ == AccessTokenClaims.type else { return nil }
                let claims = try await collection.verify(token, as: AccessTokenClaims.self)
                guard claims.iss == issuer, claims.exp > now else { return nil }
                return try await records.isRevoked(jti: claims.jti) ? nil : claims
            } catch {
                // Perhaps signed by a key another instance just created: look once more at the store.
                if refresh { return nil }
            }
        }
        return nil
    }

    // MARK: clients

    /// Registers a client; returns the secret to show once (confidential clients with a secret).
    public func addClient(_ client: OIDCClient) async throws -> String? {
        guard try await records.client(id: client.id) == nil else {
            throw StepUpError.conflict("a client named \(client.id) exists; remove it first")
        }
        for uri in client.redirectURIs + client.postLogoutRedirectURIs {
            guard let url = URL(string: uri), let scheme = url.scheme?.lowercased(), url.host != nil,
                  scheme == "https" || (scheme == "http" && Self.isLoopback(url.host!)), !uri.contains("#")
            else {
                throw StepUpError.invalidRequest(
                    "redirect URI \(uri) must be an absolute https URL (http only for localhost) without a fragment")
            }
        }
        var client = client
        var secret: String?
        if client.authentication == .clientSecretBasic || client.authentication == .clientSecretPost {
            let generated = Tokens.random(bytes: 32)
            client.secretHash = try await service.crypto.hashPassword(generated)
            secret = generated
        }
        try await records.save(client)
        try await service.auditor.record("oidc.client.added", at: now, details: ["client": client.id])
        return secret
    }

    public func clients() async throws -> [OIDCClient] { try await records.clients() }
    public func client(id: String) async throws -> OIDCClient? { try await records.client(id: id) }

    public func removeClient(id: String) async throws -> Bool {
        let removed = try await records.store.removeOIDCRecord(kind: OIDCRecords.Kind.client, id: id)
        if removed { try await service.auditor.record("oidc.client.removed", at: now, details: ["client": id]) }
        return removed
    }

    static func isLoopback(_ host: String) -> Bool {
        ["localhost", "127.0.0.1", "[::1]", "::1"].contains(host.lowercased())
    }
}
