import Foundation
import JWTKit
import StepUpCore
import StepUpTestSupport
import Testing
@testable import StepUpOIDC

@Suite("Tokens, keys and code redemption")
struct TokenTests {
    let now = Fixtures.now
    var rng = SystemRandomNumberGenerator()

    func issued() -> IssuedAuthentication {
        IssuedAuthentication(session: Fixtures.session([(.password, 600), (.totp, 300)]),
                             level: Fixtures.ladder["aal2"]!, now: now)
    }

    func tokens(key: SigningKey, issuedAt: Date) async throws -> (id: String, access: String) {
        let signer = try await TokenSigner(key: key)
        let access = try await signer.sign(AccessTokenClaims(
            issuer: "https://op.example", audience: "https://api.example", clientID: "spa", scopes: ["openid", "read"],
            authentication: issued(), id: "jti-1", issuedAt: issuedAt, lifetime: 600
        ))
        let id = try await signer.sign(IDTokenClaims(
            issuer: "https://op.example", clientID: "spa", authentication: issued(), nonce: "n-1", accessToken: access,
            issuedAt: issuedAt, lifetime: 600
        ))
        return (id, access)
    }

    /// The OIDC Core / RFC 9068 claims as an independent library (PyJWT) reads them from the published JWKS.
    @Test func pyJWTVerifiesSignatureClaimsAndAtHash() async throws {
        guard TestTools.require("python3", pythonModules: ["jwt", "cryptography"], install: "pip install pyjwt cryptography")
        else { return }
        var rng = self.rng
        let key = SigningKey.generate(now: now, using: &rng)
        let issuedAt = Date().wholeSeconds
        let (idToken, accessToken) = try await tokens(key: key, issuedAt: issuedAt)
        let jwks = try SigningKeySet([key]).jwksJSON(at: now)
        let script = #"""
import json, sys, jwt, hashlib, base64
data = json.load(sys.stdin)
keys = jwt.PyJWKSet.from_dict(json.loads(data["jwks"]))
def key_for(token):
    kid = jwt.get_unverified_header(token)["kid"]
    return next(k for k in keys.keys if k.key_id == kid)
at = data["access"]
at_header = jwt.get_unverified_header(at)
access = jwt.decode(at, key_for(at), algorithms=["ES256"], audience="https://api.example", issuer="https://op.example",
                    options={"require": ["exp", "iat", "sub", "jti", "client_id"]})
idt = jwt.decode(data["id"], key_for(data["id"]), algorithms=["ES256"], audience="spa", issuer="https://op.example",
                 options={"require": ["exp", "iat", "auth_time", "nonce"]})
digest = hashlib.sha256(at.encode()).digest()[:16]
expected = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
print(json.dumps({"typ": at_header["typ"], "alg": at_header["alg"], "at_hash_ok": idt["at_hash"] == expected,
                  "acr": idt["acr"], "amr": idt["amr"], "auth_time": idt["auth_time"], "nonce": idt["nonce"],
                  "sid": idt["sid"], "scope": access["scope"], "client_id": access["client_id"],
                  "access_acr": access["acr"], "access_auth_time": access["auth_time"],
                  "exp_is_int": isinstance(idt["exp"], int)}))
"""#
        let input = try JSONSerialization.data(withJSONObject: ["jwks": jwks, "access": accessToken, "id": idToken])
        let output = try TestTools.run("python3", ["-c", script], input: Array(input))
        let result = try #require(try JSONSerialization.jsonObject(with: Data(output)) as? [String: Any])
        #expect(result["typ"] as? String == "at+jwt" && result["alg"] as? String == "ES256")
        #expect(result["at_hash_ok"] as? Bool == true && result["exp_is_int"] as? Bool == true)
        #expect(result["acr"] as? String == "urn:stepup:acr:aal2" && result["access_acr"] as? String == "urn:stepup:acr:aal2")
        #expect(result["amr"] as? [String] == ["pwd", "otp"] && result["nonce"] as? String == "n-1")
        #expect(result["auth_time"] as? Int == Int((now - 300).timeIntervalSince1970))
        #expect(result["access_auth_time"] as? Int == Int((now - 300).timeIntervalSince1970))
        #expect(result["sid"] as? String == "sess-1" && result["scope"] as? String == "openid read")
        #expect(result["client_id"] as? String == "spa")
    }

    /// at_hash of a fixed token, the expected value computed independently with Python hashlib.
    @Test func atHashIsTheLeftHalfOfSHA256() throws {
        // Python: base64.urlsafe_b64encode(hashlib.sha256(b"jHkWEdUXMU1BwAsC4vtUsZwnNHakGr8oDuqhyR4VU0s").digest()[:16])
        #expect(IDTokenClaims.atHash("jHkWEdUXMU1BwAsC4vtUsZwnNHakGr8oDuqhyR4VU0s") == "p_XLaM-XYjphQnSQB78_AQ")
    }

    @Test func rotatedKeysStayPublishedUntilTheirTokensExpire() async throws {
        var rng = self.rng
        let old = SigningKey.generate(now: now - 1_000, using: &rng)
        var set = SigningKeySet([old])
        let (_, access) = try await tokens(key: old, issuedAt: Date())
        let new = SigningKey.generate(now: now, using: &rng)
        set.rotate(to: new, overlap: 600, now: now)
        #expect(set.active?.id == new.id)
        #expect(set.published(at: now + 599).map(\.id) == [new.id, old.id])
        #expect(set.published(at: now + 600).map(\.id) == [new.id])

        let before = try await JWTKeyCollection().add(jwksJSON: try set.jwksJSON(at: now + 10))
        let claims = try await before.verify(access, as: AccessTokenClaims.self)
        #expect(claims.acr == "urn:stepup:acr:aal2")
        let after = try await JWTKeyCollection().add(jwksJSON: try set.jwksJSON(at: now + 601))
        await #expect(throws: (any Error).self) { try await after.verify(access, as: AccessTokenClaims.self) }
        // Rotating again retires the current key; the first one keeps its original end.
        set.rotate(to: SigningKey.generate(now: now + 100, using: &rng), overlap: 600, now: now + 100)
        #expect(set.keys.first { $0.id == old.id }?.publishedUntil == now + 600)
        #expect(set.keys.first { $0.id == new.id }?.publishedUntil == now + 700)
    }

    @Test func aForgedSignatureFails() async throws {
        var rng = self.rng
        let key = SigningKey.generate(now: now, using: &rng)
        let (_, access) = try await tokens(key: key, issuedAt: Date())
        let keys = try await JWTKeyCollection().add(jwksJSON: try SigningKeySet([key]).jwksJSON(at: now))
        var parts = access.split(separator: ".").map(String.init)
        // Raise the acr in the payload, keep the signature.
        let payload = try #require(Base64URL.decode(parts[1]))
        let raised = String(decoding: payload, as: UTF8.self).replacingOccurrences(of: "aal2", with: "aal3")
        parts[1] = Base64URL.encode(Array(raised.utf8))
        await #expect(throws: (any Error).self) {
            try await keys.verify(parts.joined(separator: "."), as: AccessTokenClaims.self)
        }
        // A key of the same kid but another value does not verify it either.
        var impostor = SigningKey.generate(now: now, using: &rng)
        impostor.id = key.id
        let impostorKeys = try await JWTKeyCollection().add(jwksJSON: try SigningKeySet([impostor]).jwksJSON(at: now))
        await #expect(throws: (any Error).self) { try await impostorKeys.verify(access, as: AccessTokenClaims.self) }
    }

    @Test func codeRedemptionChecksClientRedirectPKCEAndExpiry() throws {
        let request = try Fixtures.parse(Fixtures.query())
        let code = AuthorizationCode(code: "the-code", request: request, authentication: issued(), now: now)
        #expect(code.codeHash == AuthorizationCode.hash("the-code") && code.codeHash != "the-code")
        try code.validateRedemption(clientID: "spa", redirectURI: "https://app.example/cb",
                                    codeVerifier: PKCETests.verifier, now: now + 10)
        let bad: [(String, String?, String?, Date)] = [
            ("web", "https://app.example/cb", PKCETests.verifier, now + 10),
            ("spa", "https://app.example/cb/", PKCETests.verifier, now + 10),
            ("spa", nil, PKCETests.verifier, now + 10),
            ("spa", "https://app.example/cb", nil, now + 10),
            ("spa", "https://app.example/cb", PKCETests.challenge, now + 10),
            ("spa", "https://app.example/cb", PKCETests.verifier, now + 60),
        ]
        for (client, redirect, verifier, at) in bad {
            #expect(throws: OIDCError.invalidGrant("")) {
                try code.validateRedemption(clientID: client, redirectURI: redirect, codeVerifier: verifier, now: at)
            }
        }
    }

    @Test func discoveryListsTheLadderAndS256Only() throws {
        let metadata = ProviderMetadata(issuer: "https://op.example/", ladder: Fixtures.ladder)
        #expect(metadata.issuer == "https://op.example")
        #expect(metadata.acrValuesSupported == ["urn:stepup:acr:aal1", "urn:stepup:acr:aal2", "urn:stepup:acr:aal3"])
        #expect(metadata.codeChallengeMethodsSupported == ["S256"])
        let json = String(decoding: try JSONEncoder().encode(metadata), as: UTF8.self)
        #expect(json.contains(#""claims_parameter_supported":true"#))
        #expect(json.contains(#""authorization_response_iss_parameter_supported":true"#))
    }
}
