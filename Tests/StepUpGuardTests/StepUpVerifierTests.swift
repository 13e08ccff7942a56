import Foundation
import JWTKit
import StepUpCore
import StepUpGuard
import StepUpOIDC
import Synchronization
import Testing

/// A provider in miniature: StepUpOIDC's signer and key set, served to the verifier through its fetch seam.
final class Provider: Sendable {
    let keys: Mutex<SigningKeySet>
    let fetches = Mutex(0)
    let clock: Mutex<Date>

    init(now: Date) {
        var rng = SystemRandomNumberGenerator()
        keys = Mutex(SigningKeySet([SigningKey.generate(now: now, using: &rng)]))
        clock = Mutex(now)
    }

    var now: Date { clock.withLock { $0 } }
    func advance(_ seconds: TimeInterval) { clock.withLock { $0 += seconds } }

    func verifier(ladder: AcrLadder = .stepUpDefault) -> StepUpVerifier {
        StepUpVerifier(issuer: "https://op.example", audience: "https://api.example", ladder: ladder,
                       now: { [self] in now },
                       fetch: { [self] _ in
                           fetches.withLock { $0 += 1 }
                           return try keys.withLock { try $0.jwksJSON(at: now) }
                       })
    }

    func token(level: String = "aal2", authAge: TimeInterval = 60, audience: String = "https://api.example",
               issuer: String = "https://op.example", lifetime: TimeInterval = 600, key: SigningKey? = nil,
               details: AuthorizationDetails? = nil) async throws -> String {
        let session = Session(id: "s1", userID: "u1", createdAt: now - 3_600, lastSeenAt: now, expiresAt: now + 3_600,
                              events: [AuthenticationEvent(id: "e1", factor: .password, at: now - authAge),
                                       AuthenticationEvent(id: "e2", factor: .totp, at: now - authAge)])
        let issued = IssuedAuthentication(session: session, level: LevelLadder.nistDefault[level]!, now: now)
        let signingKey = key ?? keys.withLock { $0.active! }
        return try await TokenSigner(key: signingKey).sign(AccessTokenClaims(
            issuer: issuer, audience: audience, clientID: "web", scopes: ["openid", "payments"], authentication: issued,
            id: "jti-\(UUID().uuidString)", issuedAt: now, lifetime: lifetime, authorizationDetails: details))
    }
}

@Suite("StepUpGuard verifier")
struct StepUpVerifierTests {
    let provider = Provider(now: Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down)))
    let aal2Fresh = GuardRequirement(acr: "urn:stepup:acr:aal2", maxAge: 300)

    func refusal(_ outcome: StepUpVerifier.Outcome) -> BearerChallenge? {
        if case .refused(let challenge) = outcome { return challenge }
        return nil
    }

    @Test func aStrongFreshTokenPasses() async throws {
        let verifier = provider.verifier()
        let outcome = await verifier.check(authorization: "Bearer " + (try await provider.token()), requirement: aal2Fresh)
        guard case .allowed(let token) = outcome else { Issue.record("refused: \(outcome)"); return }
        #expect(token.sub == "u1" && token.acr == "urn:stepup:acr:aal2" && token.clientID == "web")
        // Cached: a second check fetches nothing.
        _ = await verifier.check(authorization: "Bearer " + (try await provider.token()), requirement: aal2Fresh)
        #expect(provider.fetches.withLock { $0 } == 1)
    }

    /// RFC 9396: the approved transaction reaches the resource server exactly (a decimal amount, nested members).
    @Test func authorizationDetailsAreExposed() async throws {
        let details = try AuthorizationDetails.parse(
            #"[{"type":"payment_initiation","instructedAmount":{"currency":"EUR","amount":123.10},"creditorName":"A"}]"#,
            allowedTypes: ["payment_initiation"])
        let outcome = await provider.verifier().check(token: try await provider.token(details: details),
                                                      requirement: aal2Fresh)
        guard case .allowed(let token) = outcome else { Issue.record("refused: \(outcome)"); return }
        let detail = try #require(token.authorizationDetails?.first)
        #expect(detail["type"] == .string("payment_initiation") && detail["creditorName"]?.string == "A")
        #expect(detail["instructedAmount"]?["amount"] == .number(Decimal(string: "123.10")!))
        guard case .allowed(let plain) = await provider.verifier().check(token: try await provider.token(),
                                                                         requirement: aal2Fresh) else { return }
        #expect(plain.authorizationDetails == nil)
    }

    @Test func aWeakTokenGetsTheRFC9470Challenge() async throws {
        let verifier = provider.verifier()
        let weak = try #require(refusal(await verifier.check(token: try await provider.token(level: "aal1"),
                                                             requirement: aal2Fresh)))
        #expect(weak.status == 401 && weak.kind == .insufficientUserAuthentication)
        #expect(weak.headerValue == #"Bearer error="insufficient_user_authentication", "#
            + #"error_description="a stronger authentication is required (urn:stepup:acr:aal2)", "#
            + #"acr_values="urn:stepup:acr:aal2", max_age=300"#)
        let old = try #require(refusal(await verifier.check(token: try await provider.token(authAge: 301),
                                                            requirement: aal2Fresh)))
        #expect(old.kind == .insufficientUserAuthentication && old.maxAge == 300)
        // aal3 satisfies aal2 by rank; an acr the ladder does not know satisfies nothing.
        if case .refused = await verifier.check(token: try await provider.token(level: "aal3"), requirement: aal2Fresh) {
            Issue.record("aal3 must satisfy aal2")
        }
        let unknownLadder = provider.verifier(ladder: AcrLadder(["gold"]))
        #expect(refusal(await unknownLadder.check(token: try await provider.token(), requirement: GuardRequirement(acr: "gold")))?
            .kind == .insufficientUserAuthentication)
    }

    @Test func wrongIssuerAudienceExpiryTypOrScopeAreRefused() async throws {
        let verifier = provider.verifier()
        for token in [try await provider.token(audience: "https://other.example"),
                      try await provider.token(issuer: "https://evil.example"),
                      try await provider.token(lifetime: -60)] {
            #expect(refusal(await verifier.check(token: token, requirement: GuardRequirement()))?.kind == .invalidToken)
        }
        // An ID token (typ JWT) signed by the same key is not an access token.
        let session = Session(id: "s1", userID: "u1", createdAt: provider.now, expiresAt: provider.now + 60,
                              events: [AuthenticationEvent(id: "e", factor: .password, at: provider.now)])
        let idToken = try await TokenSigner(key: provider.keys.withLock { $0.active! }).sign(IDTokenClaims(
            issuer: "https://op.example", clientID: "https://api.example",
            authentication: IssuedAuthentication(session: session, level: LevelLadder.nistDefault["aal1"]!, now: provider.now),
            nonce: nil, accessToken: nil, issuedAt: provider.now, lifetime: 600))
        #expect(refusal(await verifier.check(token: idToken, requirement: GuardRequirement()))?.kind == .invalidToken)
        let scope = try #require(refusal(await verifier.check(token: try await provider.token(),
                                                              requirement: GuardRequirement(scopes: ["admin"]))))
        #expect(scope.status == 403 && scope.kind == .insufficientScope)
        #expect(refusal(await verifier.check(authorization: nil, requirement: GuardRequirement()))?.headerValue == "Bearer")
        #expect(refusal(await verifier.check(authorization: "Basic abc", requirement: GuardRequirement()))?.kind == .missing)
    }

    @Test func forgedTokensAreRefused() async throws {
        let verifier = provider.verifier()
        let token = try await provider.token(level: "aal1")
        var parts = token.split(separator: ".").map(String.init)
        let payload = String(decoding: try #require(Base64URL.decode(parts[1])), as: UTF8.self)
        parts[1] = Base64URL.encode(Array(payload.replacingOccurrences(of: "aal1", with: "aal3").utf8))
        #expect(refusal(await verifier.check(token: parts.joined(separator: "."), requirement: GuardRequirement()))?
            .kind == .invalidToken)
        // `alg: none` with the signature stripped.
        let none = Base64URL.encode(Array(#"{"alg":"none","typ":"at+jwt"}"#.utf8)) + "." + parts[1] + "."
        #expect(refusal(await verifier.check(token: none, requirement: GuardRequirement()))?.kind == .invalidToken)
        // A key the provider never published, under a kid it did publish.
        var rng = SystemRandomNumberGenerator()
        var impostor = SigningKey.generate(now: provider.now, using: &rng)
        impostor.id = provider.keys.withLock { $0.active!.id }
        let forged = try await provider.token(key: impostor)
        #expect(refusal(await verifier.check(token: forged, requirement: GuardRequirement()))?.kind == .invalidToken)
    }

    /// The direct ES256 path refuses what a JWS library would: padding or foreign characters in any part, a
    /// signature of the wrong length or in DER, extra dots, critical header parameters, another key's kid.
    @Test func malformedCompactTokensAreRefused() async throws {
        let verifier = provider.verifier()
        let token = try await provider.token()
        #expect(refusal(await verifier.check(token: token, requirement: GuardRequirement())) == nil)
        let parts = token.split(separator: ".").map(String.init)
        let kid = provider.keys.withLock { $0.active!.id }
        let signature = try #require(Base64URL.decode(parts[2]))
        let crit = Base64URL.encode(Array(#"{"alg":"ES256","typ":"at+jwt","kid":"\#(kid)","crit":["exp"]}"#.utf8))
        for forged in [parts[0] + "=." + parts[1] + "." + parts[2], parts[0] + "." + parts[1] + "=." + parts[2],
                       parts[0] + "." + parts[1] + "." + parts[2] + "=", parts[0] + "." + parts[1] + ".+" + parts[2].dropFirst(),
                       parts[0] + "." + parts[1] + "." + Base64URL.encode(signature + [0]),
                       parts[0] + "." + parts[1] + "." + Base64URL.encode(Array(signature.prefix(32))),
                       token + ".", "." + token, crit + "." + parts[1] + "." + parts[2],
                       parts[0] + "." + parts[1] + "." + Base64URL.encode(Self.der(signature))] {
            #expect(refusal(await verifier.check(token: forged, requirement: GuardRequirement()))?.kind == .invalidToken,
                    "\(forged)")
        }
    }

    /// An ES256 signature (raw r‖s) in ASN.1 DER, as a confused signer might send it.
    static func der(_ raw: [UInt8]) -> [UInt8] {
        func integer(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
            var value = Array(bytes.drop { $0 == 0 })
            if value.first.map({ $0 >= 0x80 }) ?? true { value.insert(0, at: 0) }
            return [0x02, UInt8(value.count)] + value
        }
        let body = integer(raw.prefix(32)) + integer(raw.suffix(32))
        return [0x30, UInt8(body.count)] + body
    }

    /// Rotation: a new key is fetched when its kid first appears; the old key verifies until it is unpublished.
    @Test func rotationIsPickedUpAndRemovedKeysFail() async throws {
        let verifier = provider.verifier()
        let before = try await provider.token()
        #expect(refusal(await verifier.check(token: before, requirement: GuardRequirement())) == nil)
        var rng = SystemRandomNumberGenerator()
        provider.advance(20)
        provider.keys.withLock { $0.rotate(to: SigningKey.generate(now: provider.now, using: &rng), overlap: 600, now: provider.now) }
        let after = try await provider.token()
        #expect(refusal(await verifier.check(token: after, requirement: GuardRequirement())) == nil, "new kid fetched")
        #expect(provider.fetches.withLock { $0 } == 2)
        #expect(refusal(await verifier.check(token: before, requirement: GuardRequirement())) == nil, "old key still published")
        // Past the overlap the old key leaves the JWKS; once the cache is renewed, tokens it signed fail.
        provider.advance(601)
        let oldKey = provider.keys.withLock { $0.keys.last! }
        let late = try await provider.token(key: oldKey)
        let fresh = try await provider.token()
        #expect(refusal(await verifier.check(token: fresh, requirement: GuardRequirement())) == nil)
        #expect(refusal(await verifier.check(token: late, requirement: GuardRequirement()))?.kind == .invalidToken)
    }

    @Test func challengeQuotingCannotBeBrokenOut() {
        let challenge = BearerChallenge(kind: .insufficientUserAuthentication, description: #"a "quoted" \ value"#,
                                        acrValues: "urn:x", maxAge: 5)
        #expect(challenge.headerValue == #"Bearer error="insufficient_user_authentication", "#
            + #"error_description="a \"quoted\" \\ value", acr_values="urn:x", max_age=5"#)
    }
}
