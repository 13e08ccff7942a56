import Foundation

/// How a client presented itself at the token, introspection or revocation endpoint (RFC 6749 §2.3, OIDC Core 9).
public enum ClientCredentials: Sendable, Hashable {
    case basic(clientID: String, secret: ClientSecret)
    case post(clientID: String, secret: ClientSecret)
    case assertion(String)
    /// A public client: only `client_id`.
    case none(clientID: String)

    public static let assertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

    /// Exactly one method per request (RFC 6749 §2.3): two are `invalid_request`.
    public static func parse(authorization: String?, form: FormParameters) throws(OIDCError) -> ClientCredentials {
        var found: [ClientCredentials] = []
        if let authorization {
            let parts = authorization.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == "basic",
                  let decoded = Data(base64Encoded: String(parts[1])).flatMap({ String(data: $0, encoding: .utf8) }),
                  let colon = decoded.firstIndex(of: ":"),
                  let id = FormEncoding.unescape(decoded[..<colon]),
                  let secret = FormEncoding.unescape(decoded[decoded.index(after: colon)...])
            else { throw .invalidClient("the Authorization header is not valid HTTP Basic client authentication") }
            found.append(.basic(clientID: id, secret: ClientSecret(secret)))
        }
        if let secret = form["client_secret"] {
            guard let id = form["client_id"] else { throw .invalidRequest("client_secret without client_id") }
            found.append(.post(clientID: id, secret: ClientSecret(secret)))
        }
        if let assertion = form["client_assertion"] {
            guard form["client_assertion_type"] == assertionType else {
                throw .invalidRequest("client_assertion_type must be \(assertionType)")
            }
            found.append(.assertion(assertion))
        }
        guard found.count <= 1 else { throw .invalidRequest("use exactly one client authentication method") }
        if let only = found.first {
            if case .basic(let id, _) = only, let formID = form["client_id"], formID != id {
                throw .invalidRequest("client_id differs from the authenticated client")
            }
            return only
        }
        guard let id = form["client_id"], !id.isEmpty else {
            throw .invalidClient("client authentication is missing")
        }
        return .none(clientID: id)
    }

    /// The method's name as registered clients declare it.
    public var method: OIDCClient.Authentication {
        switch self {
        case .basic: .clientSecretBasic
        case .post: .clientSecretPost
        case .assertion: .privateKeyJWT
        case .none: .none
        }
    }
}

/// A client secret in transit: never printed.
public struct ClientSecret: Sendable, Hashable, CustomStringConvertible {
    public let value: String
    public init(_ value: String) { self.value = value }
    public var description: String { "<redacted>" }
}
