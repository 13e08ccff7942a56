import AsyncHTTPClient
import Crypto
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
    let cache = Mutex<(keys: GuardKeySet, fetchedAt: Date)?>(nil)
    /// Parsed JOSE headers by their base64url text: a provider signs every token of a key with the same header, so
    /// each is decoded once (bounded: forged headers cannot grow it).
    let headers = Mutex<[[UInt8]: TokenHeader]>([:])
    let claimsDecoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        return decoder
    }()

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
        guard let authorization, authorization.utf8.count > 7,
              String(decoding: authorization.utf8.prefix(7), as: UTF8.self).lowercased() == "bearer " else {
            return .refused(BearerChallenge(kind: .missing, description: "a bearer token is required"))
        }
        return await check(token: String(decoding: authorization.utf8.dropFirst(7), as: UTF8.self),
                           requirement: requirement)
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
        guard let jws = CompactJWS(token), let header = header(of: jws) else { throw GuardError("the token is not a JWT") }
        guard header.isAccessToken else {
            throw GuardError("the token is not an access token (typ must be at+jwt)")
        }
        guard header.alg == "ES256" else { throw GuardError("the token must be signed with ES256") }
        guard !header.critical else { throw GuardError("the token names critical header parameters") }
        try await verifySignature(jws, kid: header.kid)
        // Only a verified payload is decoded.
        guard let payload = Base64URLTable.decode(jws.payloadSegment),
              let claims = try? claimsDecoder.decode(VerifiedToken.self, from: Data(payload))
        else { throw GuardError("the token's claims are malformed") }
        let at = now()
        guard claims.iss == issuer else { throw GuardError("the token was issued by another issuer") }
        guard claims.aud.value.contains(audience) else { throw GuardError("the token is for another audience") }
        guard at.timeIntervalSince(claims.exp) < leeway else { throw GuardError("the token has expired") }
        guard claims.iat.timeIntervalSince(at) < leeway else { throw GuardError("the token was issued in the future") }
        return claims
    }

    /// The JOSE header of a compact JWT, or `nil`.
    func header(of jws: CompactJWS) -> TokenHeader? {
        let text = Array(jws.headerSegment)
        if let known = headers.withLock({ $0[text] }) { return known }
        guard text.count <= 1_024, let json = Base64URLTable.decode(text),
              let header = try? JSONDecoder().decode(TokenHeader.self, from: Data(json))
        else { return nil }
        headers.withLock { cache in
            if cache.count >= 16 { cache.removeAll() }
            cache[text] = header
        }
        return header
    }

    private func verifySignature(_ jws: CompactJWS, kid: String?) async throws {
        let at = now()
        var keys: GuardKeySet
        if let cached = cache.withLock({ $0 }), at.timeIntervalSince(cached.fetchedAt) < cacheLifetime {
            keys = cached.keys
        } else {
            keys = try await refresh(at: at)
        }
        if jws.isSigned(byOneOf: keys.candidates(kid: kid)) { return }
        // A key id not in the cached JWKS may be a key rotated in since the last fetch: fetch again, but at most
        // every `refetchInterval` (a stream of forged kids must not turn into a stream of fetches).
        let fetchedAt = cache.withLock { $0?.fetchedAt } ?? .distantPast
        guard let kid, !keys.knows(kid: kid), at.timeIntervalSince(fetchedAt) >= refetchInterval else {
            throw GuardError("the token's signature does not verify")
        }
        keys = try await refresh(at: at)
        guard jws.isSigned(byOneOf: keys.candidates(kid: kid)) else {
            throw GuardError("the token's signature does not verify")
        }
    }

    private func refresh(at: Date) async throws -> GuardKeySet {
        let text: String
        do {
            text = try await fetch(jwksURL)
        } catch {
            throw GuardError("the provider's keys could not be fetched: \(error)")
        }
        let keys: GuardKeySet
        do {
            keys = try GuardKeySet(jwksJSON: text)
        } catch {
            throw GuardError("the provider's JWKS is malformed")
        }
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
