import Foundation

/// A token endpoint request (RFC 6749 §4.1.3 and §6), client authentication aside.
public enum TokenRequest: Sendable, Hashable {
    case authorizationCode(code: String, redirectURI: String?, codeVerifier: String?)
    case refreshToken(token: String, scopes: [String]?)

    /// - Parameter form: the decoded `application/x-www-form-urlencoded` body; repeated parameters are refused.
    public static func parse(_ form: [(String, String)]) throws(OIDCError) -> TokenRequest {
        let values = try FormParameters(form)
        guard let grantType = values["grant_type"] else { throw .invalidRequest("grant_type is missing") }
        switch grantType {
        case "authorization_code":
            guard let code = values["code"], !code.isEmpty else { throw .invalidRequest("code is missing") }
            return .authorizationCode(code: code, redirectURI: values["redirect_uri"],
                                      codeVerifier: values["code_verifier"])
        case "refresh_token":
            guard let token = values["refresh_token"], !token.isEmpty else {
                throw .invalidRequest("refresh_token is missing")
            }
            return .refreshToken(token: token, scopes: values["scope"].map { $0.split(separator: " ").map(String.init) })
        default:
            throw .unsupportedGrantType("grant_type must be authorization_code or refresh_token")
        }
    }
}

/// Form parameters with each name at most once (RFC 6749 §3.2).
public struct FormParameters: Sendable {
    public let values: [String: String]

    public init(_ pairs: [(String, String)]) throws(OIDCError) {
        var values: [String: String] = [:]
        for (name, value) in pairs where values.updateValue(value, forKey: name) != nil {
            throw .invalidRequest("\(name) appears more than once")
        }
        self.values = values
    }

    public subscript(name: String) -> String? { values[name] }
}
