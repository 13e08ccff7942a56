import Foundation
import Testing
@testable import StepUpOIDC

@Suite("Token endpoint requests and client authentication")
struct ClientCredentialsTests {
    func form(_ pairs: [(String, String)]) throws -> FormParameters { try FormParameters(pairs) }

    @Test func basicCredentialsAreFormDecoded() throws {
        // RFC 6749 §2.3.1: id and secret are form-encoded before Base64.
        let header = "Basic " + Data("my%3Aclient:s%20e%2Bcret".utf8).base64EncodedString()
        let credentials = try ClientCredentials.parse(authorization: header, form: form([]))
        #expect(credentials == .basic(clientID: "my:client", secret: ClientSecret("s e+cret")))
        #expect(!"\(ClientSecret("s e+cret"))".contains("cret"))
    }

    @Test func exactlyOneMethod() throws {
        let header = "Basic " + Data("web:secret".utf8).base64EncodedString()
        #expect(throws: OIDCError.invalidRequest("")) {
            try ClientCredentials.parse(authorization: header,
                                        form: try form([("client_id", "web"), ("client_secret", "secret")]))
        }
        #expect(throws: OIDCError.invalidRequest("")) {
            try ClientCredentials.parse(authorization: header, form: try form([("client_id", "other")]))
        }
        #expect(throws: OIDCError.invalidClient("")) {
            try ClientCredentials.parse(authorization: "Basic !!!", form: try form([]))
        }
        #expect(throws: OIDCError.invalidClient("")) { try ClientCredentials.parse(authorization: nil, form: try form([])) }
        #expect(throws: OIDCError.invalidRequest("")) {
            try ClientCredentials.parse(authorization: nil,
                                        form: try form([("client_assertion", "x"), ("client_assertion_type", "y")]))
        }
        #expect(try ClientCredentials.parse(authorization: nil, form: try form([("client_id", "spa")])) == .none(clientID: "spa"))
        #expect(try ClientCredentials.parse(authorization: nil, form: try form([("client_id", "w"), ("client_secret", "s")]))
            .method == .clientSecretPost)
    }

    @Test func tokenRequestsParse() throws {
        #expect(try TokenRequest.parse([("grant_type", "authorization_code"), ("code", "c"), ("code_verifier", "v")])
            == .authorizationCode(code: "c", redirectURI: nil, codeVerifier: "v"))
        #expect(try TokenRequest.parse([("grant_type", "refresh_token"), ("refresh_token", "r"), ("scope", "openid a")])
            == .refreshToken(token: "r", scopes: ["openid", "a"]))
        #expect(throws: OIDCError.unsupportedGrantType("")) { try TokenRequest.parse([("grant_type", "password")]) }
        #expect(throws: OIDCError.invalidRequest("")) { try TokenRequest.parse([("code", "c")]) }
        #expect(throws: OIDCError.invalidRequest("")) {
            try TokenRequest.parse([("grant_type", "authorization_code"), ("code", "a"), ("code", "b")])
        }
    }

    @Test func errorBodiesFollowRFC6749() {
        let error = OIDCError.invalidGrant("bad \"code\" \\ é")
        #expect(error.jsonBody == ["error": "invalid_grant", "error_description": "bad ?code? ? ?"])
        #expect(error.tokenEndpointStatus == 400 && OIDCError.invalidClient("x").tokenEndpointStatus == 401)
    }
}
