import Crypto
import Foundation
import StepUpCore
import StepUpCrypto

/// A chain of refresh tokens issued from one authorization code (OAuth 2.0 Security BCP, RFC 9700 §4.14.2).
///
/// Only the newest token of a family is valid. Presenting any other token of the family — an old one that leaked,
/// or the loser of two concurrent refreshes — is reuse: the whole family is revoked, so neither the thief nor the
/// client keeps a working token. The store keeps the SHA-256 of the current secret only; the family id in the
/// token says which family a stale token belonged to.
public struct RefreshFamily: Sendable, Hashable, Codable {
    public var id: String
    public var clientID: String
    public var scopes: [String]
    /// Frozen at the code exchange: a refresh never raises it.
    public var authentication: IssuedAuthentication
    /// RFC 9396: the approved details refreshed access tokens carry (narrowed per request, never widened).
    public var authorizationDetails: AuthorizationDetails?
    public var generation: Int
    /// Hex SHA-256 of the current token's secret.
    public var currentSecretHash: String
    public var createdAt: Date
    public var expiresAt: Date
    public var revokedAt: Date?

    public init(id: String, clientID: String, scopes: [String], authentication: IssuedAuthentication,
                secretHash: String, createdAt: Date, expiresAt: Date,
                authorizationDetails: AuthorizationDetails? = nil) {
        self.id = id
        self.authorizationDetails = authorizationDetails
        self.clientID = clientID
        self.scopes = scopes
        self.authentication = authentication
        generation = 1
        currentSecretHash = secretHash
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }

    /// Whether `token` is the family's current token (constant time over the hashes).
    public func isCurrent(_ token: RefreshToken) -> Bool {
        token.familyID == id && ConstantTime.equals(token.secretHash, currentSecretHash)
    }

    /// The authentication the refreshed tokens carry: the original one while its level is still fresh, otherwise
    /// (with ``OIDCClient/RefreshPolicy/downgrade``) the strongest lower level its events still earn, never higher.
    /// - Throws: `invalid_grant` when no level is left, or the client asked for re-authentication instead.
    public func authenticationForRefresh(
        ladder: LevelLadder, policy: OIDCClient.RefreshPolicy, now: Date
    ) throws(OIDCError) -> IssuedAuthentication {
        let original = authentication
        guard let issued = ladder[original.levelName] else {
            throw .invalidGrant("the level \(original.levelName) is no longer defined; sign in again")
        }
        let replay = Session(id: original.sessionID, userID: original.subject, createdAt: original.authTime,
                             lastSeenAt: now, expiresAt: .distantFuture, events: original.events)
        if replay.satisfies(issued, at: now) { return original }
        guard policy == .downgrade,
              let still = ladder.levels.reversed().first(where: { $0.rank < issued.rank && replay.satisfies($0, at: now) })
        else {
            throw .invalidGrant("the \(issued.acr) authentication has expired; send the user to /authorize again")
        }
        let fresh = original.events.filter { now.timeIntervalSince($0.at) <= still.maxAge }
        var seen = Set<String>()
        return IssuedAuthentication(
            subject: original.subject, sessionID: original.sessionID, level: still,
            amr: fresh.flatMap(\.traits.amr).filter { seen.insert($0).inserted },
            authTime: original.authTime, events: fresh
        )
    }
}

/// `<family id>.<secret>`: the family id finds the row; only the secret's hash is stored.
public struct RefreshToken: Sendable, Hashable, CustomStringConvertible {
    public let familyID: String
    let secret: String

    /// A new token for `familyID` from 32 random bytes.
    public static func generate(familyID: String, using rng: inout some RandomNumberGenerator) -> RefreshToken {
        RefreshToken(familyID: familyID, secret: Base64URL.encode((0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) }))
    }

    public init?(parsing text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, (16...64).contains(parts[0].utf8.count), parts[1].utf8.count == 43,
              Base64URL.decode(String(parts[0])) != nil, Base64URL.decode(String(parts[1])) != nil
        else { return nil }
        familyID = String(parts[0])
        secret = String(parts[1])
    }

    init(familyID: String, secret: String) {
        self.familyID = familyID
        self.secret = secret
    }

    /// The value handed to the client. Treat as a secret.
    public var text: String { familyID + "." + secret }
    public var secretHash: String { Self.hash(secret) }

    static func hash(_ secret: String) -> String {
        SHA256.hash(data: Array(secret.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    public var description: String { "RefreshToken(\(familyID).<redacted>)" }
}

/// Random ids in base64url (family ids, code ids, `jti`, `sid`).
public enum OIDCRandom {
    public static func identifier(bytes: Int = 16, using rng: inout some RandomNumberGenerator) -> String {
        Base64URL.encode((0..<bytes).map { _ in UInt8.random(in: 0...255, using: &rng) })
    }
}
