import Foundation
import JWTKit

/// `private_key_jwt` client authentication (OIDC Core 9, RFC 7523 §3): a JWT signed with one of the client's
/// registered keys, `iss` = `sub` = client id, `aud` naming this token endpoint or the issuer, short-lived, with a
/// `jti` the caller records so the assertion cannot be replayed.
public enum ClientAssertion {
    struct Claims: JWTPayload {
        var iss: String
        var sub: String
        var aud: AudienceClaim
        var exp: Date
        var jti: String

        func verify(using algorithm: some JWTAlgorithm) async throws {}
    }

    /// The client id an assertion claims, read before verification to find the client's keys.
    public static func claimedClientID(_ assertion: String) throws(OIDCError) -> String {
        do {
            return try DefaultJWTParser().parse(Array(assertion.utf8), as: Claims.self).payload.iss
        } catch {
            throw .invalidClient("client_assertion is not a JWT with iss, sub, aud, exp and jti")
        }
    }

    /// Verifies the signature and claims; returns the `jti` and its expiry for the caller's replay record.
    public static func verify(
        _ assertion: String, client: OIDCClient, audiences: [String], now: Date
    ) async throws(OIDCError) -> (jti: String, expiresAt: Date) {
        guard client.authentication == .privateKeyJWT, let jwks = client.jwks else {
            throw .invalidClient("this client does not authenticate with private_key_jwt")
        }
        let claims: Claims
        do {
            let keys = try await JWTKeyCollection().add(jwksJSON: jwks)
            claims = try await keys.verify(assertion, as: Claims.self)
        } catch {
            throw .invalidClient("client_assertion signature does not verify with the client's registered keys")
        }
        guard claims.iss == client.id, claims.sub == client.id else {
            throw .invalidClient("client_assertion iss and sub must both be the client id")
        }
        guard claims.aud.value.contains(where: audiences.contains) else {
            throw .invalidClient("client_assertion aud must be the token endpoint URL")
        }
        guard now < claims.exp, claims.exp.timeIntervalSince(now) <= 600 else {
            throw .invalidClient("client_assertion is expired or lives longer than 10 minutes")
        }
        guard !claims.jti.isEmpty else { throw .invalidClient("client_assertion has no jti") }
        return (claims.jti, claims.exp)
    }
}
