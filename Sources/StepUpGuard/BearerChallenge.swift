import Foundation

/// A refusal of a bearer token: the HTTP status and the `WWW-Authenticate` header (RFC 6750 §3, RFC 9470 §3).
public struct BearerChallenge: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable {
        /// No token was presented (RFC 6750 §3.1: no error code).
        case missing
        case invalidToken = "invalid_token"
        case insufficientScope = "insufficient_scope"
        /// RFC 9470: valid token, authentication too weak or too old.
        case insufficientUserAuthentication = "insufficient_user_authentication"
    }

    public var kind: Kind
    public var description: String
    /// Set for `insufficient_user_authentication`: what a new token must carry.
    public var acrValues: String?
    public var maxAge: Int?
    public var scope: String?

    public init(kind: Kind, description: String, acrValues: String? = nil, maxAge: Int? = nil, scope: String? = nil) {
        self.kind = kind
        self.description = description
        self.acrValues = acrValues
        self.maxAge = maxAge
        self.scope = scope
    }

    /// 401, except `insufficient_scope` (403, RFC 6750 §3.1).
    public var status: Int { kind == .insufficientScope ? 403 : 401 }

    /// The `WWW-Authenticate` value; quoted strings escape `"` and `\` (RFC 9110 §5.6.4).
    public var headerValue: String {
        var parameters: [String] = []
        if kind != .missing {
            parameters.append("error=\(Self.quoted(kind.rawValue))")
            parameters.append("error_description=\(Self.quoted(description))")
        }
        if let acrValues { parameters.append("acr_values=\(Self.quoted(acrValues))") }
        if let maxAge { parameters.append("max_age=\(maxAge)") }
        if let scope { parameters.append("scope=\(Self.quoted(scope))") }
        return parameters.isEmpty ? "Bearer" : "Bearer " + parameters.joined(separator: ", ")
    }

    static func quoted(_ text: String) -> String {
        let printable = text.unicodeScalars.map { (0x20...0x7E).contains($0.value) ? String($0) : "?" }.joined()
        return "\"" + printable.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            + "\""
    }
}
