import Foundation
import Testing
@testable import StepUpOIDC

@Suite("Authorization request validation")
struct AuthorizationRequestTests {
    func rejection(_ query: [(String, String)]) -> AuthorizationRejection? {
        do {
            _ = try Fixtures.parse(query)
            return nil
        } catch {
            return error
        }
    }

    @Test func aValidRequestParses() throws {
        let request = try Fixtures.parse(Fixtures.query([
            "prompt": "login", "max_age": "300", "acr_values": "urn:stepup:acr:aal2 aal3", "login_hint": "alice",
        ]))
        #expect(request.state == "st-123" && request.nonce == "n-456")
        #expect(request.codeChallenge == Fixtures.challenge)
        #expect(request.prompt == [.login] && request.maxAge == 300 && request.forcesLogin)
        #expect(request.acrValues == ["urn:stepup:acr:aal2", "aal3"] && request.loginHint == "alice")
    }

    /// Exact matching: anything else is never redirected, whatever it resembles.
    @Test(arguments: [
        "https://app.example/cb/", "https://app.example/cb?x=1", "https://APP.example/cb", "https://app.example/c",
        "https://app.example/cb#f", "https://app.example/cb/../cb", "http://app.example/cb", "https://app.example/cb ",
        "https://evil.example/cb", "http://127.0.0.1:8080/callback", "http://127.0.0.1:8080/callback?x=1&y=2",
    ])
    func redirectURIMismatchNeverRedirects(uri: String) throws {
        let refused = try #require(rejection(Fixtures.query(redirect: uri)))
        #expect(refused.redirectURI == nil && !refused.error.mayRedirect && refused.error.error == "invalid_request")
        let url = AuthorizationResponse.failure(refused, issuer: "https://op.example")
        #expect(url == nil)
    }

    @Test func unknownClientOrMissingRedirectNeverRedirects() throws {
        for query in [Fixtures.query(client: "nobody"), Fixtures.query(["redirect_uri": nil]),
                      Fixtures.query(["client_id": nil]),
                      Fixtures.query() + [("redirect_uri", "https://evil.example/cb")]] {
            let refused = try #require(rejection(query))
            #expect(refused.redirectURI == nil)
        }
    }

    @Test func laterErrorsRedirectWithStateAndIssuer() throws {
        let refused = try #require(rejection(Fixtures.query(["response_type": "token"])))
        #expect(refused.error.error == "unsupported_response_type")
        let url = try #require(AuthorizationResponse.failure(refused, issuer: "https://op.example"))
        #expect(url.hasPrefix("https://app.example/cb?error=unsupported_response_type&error_description="))
        #expect(url.hasSuffix("&state=st-123&iss=https%3A%2F%2Fop.example"))
    }

    @Test func aRegisteredQueryIsKeptInTheRedirect() {
        let url = AuthorizationResponse.success(redirectURI: "http://127.0.0.1:8080/callback?x=1", code: "c o",
                                                state: "a&b", issuer: "https://op.example")
        #expect(url == "http://127.0.0.1:8080/callback?x=1&code=c%20o&state=a%26b&iss=https%3A%2F%2Fop.example")
    }

    @Test(arguments: [
        (["code_challenge": nil, "code_challenge_method": nil] as [String: String?], "invalid_request"),
        (["code_challenge_method": nil], "invalid_request"),
        (["code_challenge_method": "plain"], "invalid_request"),
        (["code_challenge": "short"], "invalid_request"),
        (["code_challenge": nil], "invalid_request"),
        (["prompt": "none login"], "invalid_request"),
        (["prompt": "bogus"], "invalid_request"),
        (["max_age": "-1"], "invalid_request"),
        (["max_age": "1e3"], "invalid_request"),
        (["max_age": ""], "invalid_request"),
        (["claims": "{not json"], "invalid_request"),
        (["claims": #"{"id_token":{"acr":{"essential":"yes"}}}"#], "invalid_request"),
        (["claims": #"{"id_token":{"acr":{"essential":1}}}"#], "invalid_request"),
        (["claims": #"{"id_token":{"acr":{"values":"aal2"}}}"#], "invalid_request"),
        (["scope": "openid admin"], "invalid_scope"),
        (["scope": nil], "invalid_scope"),
        (["response_type": nil], "invalid_request"),
        (["response_type": "code id_token"], "unsupported_response_type"),
        (["response_mode": "fragment"], "invalid_request"),
        (["request": "eyJ"], "request_not_supported"),
        (["request_uri": "https://x"], "request_uri_not_supported"),
        (["state": String(repeating: "s", count: 3_000)], "invalid_request"),
    ])
    func malformedRequestsAreRefusedWithTheRightCode(overrides: [String: String?], code: String) throws {
        let refused = try #require(rejection(Fixtures.query(overrides)))
        #expect(refused.error.error == code, "\(refused.error)")
        #expect(refused.redirectURI == "https://app.example/cb")
        // OIDC Core 3.1.2.6: state is echoed on every redirected error.
        #expect(refused.state == overrides["state"].flatMap { $0 } ?? "st-123")
        let body = refused.error.jsonBody
        #expect(Set(body.keys) == ["error", "error_description"])
        #expect(body["error_description"]!.unicodeScalars.allSatisfy { (0x20...0x7E).contains($0.value) && $0 != "\"" && $0 != "\\" })
    }

    @Test func repeatedParametersAreRefused() throws {
        let refused = try #require(rejection(Fixtures.query() + [("scope", "openid")]))
        #expect(refused.error.error == "invalid_request" && refused.redirectURI != nil)
    }

    @Test func confidentialClientsMayOmitPKCEButNotUsePlain() throws {
        let omitted = Fixtures.query(["code_challenge": nil, "code_challenge_method": nil], client: "web",
                                     redirect: "https://web.example/cb")
        #expect(try Fixtures.parse(omitted).codeChallenge == nil)
        let plain = Fixtures.query(["code_challenge_method": "plain"], client: "web", redirect: "https://web.example/cb")
        #expect(rejection(plain)?.error.error == "invalid_request")
    }

    @Test func claimsParameterEssentialAcr() throws {
        let request = try Fixtures.parse(Fixtures.query([
            "claims": #"{"id_token":{"acr":{"essential":true,"values":["urn:stepup:acr:aal3"]},"email":null}}"#,
        ]))
        #expect(request.acrClaim == .init(essential: true, values: ["urn:stepup:acr:aal3"]))
        let nullAcr = try Fixtures.parse(Fixtures.query(["claims": #"{"userinfo":{"acr":null}}"#]))
        #expect(nullAcr.acrClaim == .init())
        let none = try Fixtures.parse(Fixtures.query(["claims": #"{"id_token":{"email":{"essential":true}}}"#]))
        #expect(none.acrClaim == nil)
    }

    @Test func formEncodingRoundTrips() {
        let text = "a b&c=d/é+%"
        #expect(FormEncoding.unescape(FormEncoding.escape(text)) == text)
        #expect(FormEncoding.unescape("a+b%2B") == "a b+")
        #expect(FormEncoding.unescape("%zz") == nil && FormEncoding.unescape("%4") == nil && FormEncoding.unescape("%FF") == nil)
        #expect(FormEncoding.parse("a=1&b=&c")!.map { "\($0.0)=\($0.1)" } == ["a=1", "b=", "c="])
    }
}
