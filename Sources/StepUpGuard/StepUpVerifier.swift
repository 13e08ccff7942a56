import AsyncHTTPClient
import Foundation
import JWTKit
import NIOCore
import NIOHTTP1
import Synchronization

/// Verifies StepUp access tokens locally: signature against the provider's JWKS (fetched with AsyncHTTPClient,
/// cached, refetched on an unknown `kid` so rotations are picked up), `typ` `at+jwt`, `iss`, `aud`, `exp`, then
/// the route's `acr` (by rank on the ladder) and `max_age` (against `auth_time`).
///
/// ```swift
/// let verifier = StepUpVerifier(issuer: "https://login.example", audience: "https://api.example")
/// switch await verifier.check(authorization: request.headers["authorization"],
///                             requirement: GuardRequirement(acr: "urn:stepup:acr:aal2", maxAge: 300)) {
/// case .allowed(let token): …
/// case .refused(let challenge): respond(challenge.status, ["WWW-Authenticate": challenge.headerValue])
/// }
/// ```
public final class StepUpVerifier: Sendable {
    public enum Outcome: Sendable {
        case allowed(VerifiedToken)
        case refused(BearerChallenge)
    }

    public let issuer: String
    public let audience: String
    public let jwksURL: String
    public let ladder: AcrLadder
    /// Allowed clock difference for `exp` and `iat`.
    public let leeway: TimeInterval
    let cacheLifetime: TimeInterval
    /// The least time between two fetches caused by unknown key ids.
    let refetchInterval: TimeInterval
    let now: @Sendable () -> Date
    let fetch: @Sendable (String) async throws -> String
    let cache = Mutex<(keys: JWTKeyCollection, fetchedAt: Date)?>(nil)

    /// - Parameters:
    ///   - jwksURL: default `<issuer>/oauth2/jwks`.
    ///   - fetch: how the JWKS document is read (default: GET with `HTTPClient.shared`); tests may pass their own.
    public init(issuer: String, audience: String, jwksURL: String? = nil, ladder: AcrLadder = .stepUpDefault,
                leeway: TimeInterval = 30, cacheLifetime: TimeInterval = 300, refetchInterval: TimeInterval = 10,
                now: @escaping @Sendable () -> Date = { Date() },
                fetch: (@Sendable (String) async throws -> String)? = nil) {
        self.issuer = issuer
        self.audience = audience
        self.jwksURL = jwksURL ?? issuer + "/oauth2/jwks"
        self.ladder = ladder
        self.leeway = leeway
        self.cacheLifetime = cacheLifetime
        self.refetchInterval = refetchInterval
        self.now = now
        self.fetch = fetch ?? StepUpVerifier.httpGet
    }

    /// Checks an `Authorization` header value against a route's requirement.
    public func check(authorization: String?, requirement: GuardRequirement) async -> Outcome {
        guard let authorization, authorization.count > 7, authorization.prefix(7).lowercased() == "bearer " else {
            return .refused(BearerChallenge(kind: .missing, description: "a bearer token is required"))
        }
        return await check(token: String(authorization.dropFirst(7)), requirement: requirement)
    }

    public func check(token: String, requirement: GuardRequirement) async -> Outcome {
        let claims: VerifiedToken
        do {
            claims = try await verify(token)
        } catch {
            return .refused(BearerChallenge(kind: .invalidToken, description: "\(error)"))
        }
        if let missing = requirement.scopes.first(where: { !claims.scopes.contains($0) }) {
            return .refused(BearerChallenge(kind: .insufficientScope, description: "the token lacks scope \(missing)",
                                            scope: requirement.scopes.joined(separator: " ")))
        }
        let stepUp = BearerChallenge(kind: .insufficientUserAuthentication, description: "",
                                     acrValues: requirement.acr, maxAge: requirement.maxAge)
        if let required = requirement.acr {
            guard let acr = claims.acr, ladder.satisfies(acr, required) else {
                var challenge = stepUp
                challenge.description = "a stronger authentication is required (\(required))"
                return .refused(challenge)
            }
        }
        if let maxAge = requirement.maxAge {
            guard let authTime = claims.authTime, now().timeIntervalSince(authTime) <= TimeInterval(maxAge) else {
                var challenge = stepUp
                challenge.description = "a more recent authentication is required (within \(maxAge) seconds)"
                return .refused(challenge)
            }
        }
        return .allowed(claims)
    }

    /// Signature, `typ`, `iss`, `aud`, `exp`, `iat`. Throws a ``GuardError`` naming the failed check.
    public func verify(_ token: String) async throws -> VerifiedToken {
        guard token.utf8.count <= 8_192 else { throw GuardError("the token is too long") }
        // The header alone first (the payload is decoded once, by the signature check that follows).
        guard let header = Self.header(of: token) else { throw GuardError("the token is not a JWT") }
        guard header.typ?.lowercased() == "at+jwt" || header.typ?.lowercased() == "application/at+jwt" else {
            throw GuardError("the token is not an access token (typ must be at+jwt)")
        }
        guard header.alg == "ES256" else { throw GuardError("the token must be signed with ES256") }
        let claims = try await verifySignature(token, kid: header.kid)
        let at = now()
        guard claims.iss == issuer else { throw GuardError("the token was issued by another issuer") }
        guard claims.aud.value.contains(audience) else { throw GuardError("the token is for another audience") }
        guard at.timeIntervalSince(claims.exp) < leeway else { throw GuardError("the token has expired") }
        guard claims.iat.timeIntervalSince(at) < leeway else { throw GuardError("the token was issued in the future") }
        return claims
    }

    /// The JOSE header of a compact JWT (three base64url parts), or `nil`.
    static func header(of token: String) -> JWTHeader? {
        let parts = token.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count <= 1_024 else { return nil }
        var base64 = String(decoding: parts[0], as: UTF8.self)
            .replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        guard !base64.contains("="), base64.utf8.count % 4 != 1 else { return nil }
        while base64.utf8.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64) else { return nil }
        return try? JSONDecoder().decode(JWTHeader.self, from: data)
    }

    private func verifySignature(_ token: String, kid: String?) async throws -> VerifiedToken {
        let at = now()
        var keys: JWTKeyCollection
        if let cached = cache.withLock({ $0 }), at.timeIntervalSince(cached.fetchedAt) < cacheLifetime {
            keys = cached.keys
        } else {
            keys = try await refresh(at: at)
        }
        do {
            return try await keys.verify(token, as: VerifiedToken.self)
        } catch {
            // A key id not in the cached JWKS may be a key rotated in since the last fetch: fetch again, but at
            // most every `refetchInterval` (a stream of forged kids must not turn into a stream of fetches).
            let fetchedAt = cache.withLock { $0?.fetchedAt } ?? .distantPast
            let unknown = kid.map { id in !kids.withLock { $0.contains(id) } } ?? false
            guard unknown, at.timeIntervalSince(fetchedAt) >= refetchInterval else {
                throw GuardError("the token's signature does not verify")
            }
            keys = try await refresh(at: at)
            do {
                return try await keys.verify(token, as: VerifiedToken.self)
            } catch {
                throw GuardError("the token's signature does not verify")
            }
        }
    }

    /// Key ids in the cached JWKS.
    let kids = Mutex<Set<String>>([])

    private func refresh(at: Date) async throws -> JWTKeyCollection {
        let text: String
        do {
            text = try await fetch(jwksURL)
        } catch {
            throw GuardError("the provider's keys could not be fetched: \(error)")
        }
        let keys = JWTKeyCollection()
        do {
            _ = try await keys.add(jwksJSON: text)
        } catch {
            throw GuardError("the provider's JWKS is malformed")
        }
        let ids = (try? JSONDecoder().decode(JWKS.self, from: Data(text.utf8)))?.keys.compactMap(\.keyIdentifier?.string) ?? []
        kids.withLock { $0 = Set(ids) }
        cache.withLock { $0 = (keys, at) }
        return keys
    }

    @Sendable static func httpGet(_ url: String) async throws -> String {
        var request = HTTPClientRequest(url: url)
        request.headers.add(name: "accept", value: "application/json")
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(5))
        guard response.status == .ok else { throw GuardError("GET \(url) answered \(response.status.code)") }
        let body = try await response.body.collect(upTo: 256 * 1024)
        return String(buffer: body)
    }
}

/// Why a token was refused, in words a resource server may log (never the token).
public struct GuardError: Error, Sendable, Hashable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
