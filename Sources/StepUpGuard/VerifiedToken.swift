import Foundation
import JWTKit

/// The claims of a StepUp RFC 9068 access token that a resource server acts on.
public struct VerifiedToken: JWTPayload, Sendable {
    public var iss: String
    public var sub: String
    public var aud: AudienceClaim
    public var exp: Date
    public var iat: Date
    public var jti: String?
    public var clientID: String
    public var scope: String?
    public var acr: String?
    public var amr: [String]?
    public var authTime: Date?
    /// RFC 9396: the transaction the user approved (each detail an object with a `type`), when the token carries one.
    /// A provider client registered with single-use details expects the resource server to introspect instead.
    public var authorizationDetails: [[String: TokenJSON]]?

    enum CodingKeys: String, CodingKey {
        case iss, sub, aud, exp, iat, jti, scope, acr, amr
        case clientID = "client_id"
        case authTime = "auth_time"
        case authorizationDetails = "authorization_details"
    }

    public var scopes: [String] { (scope ?? "").split(separator: " ").map(String.init) }

    /// Checks happen in ``StepUpVerifier`` against an injected clock.
    public func verify(using algorithm: some JWTAlgorithm) async throws {}
}
