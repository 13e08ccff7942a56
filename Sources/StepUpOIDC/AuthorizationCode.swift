import Crypto
import Foundation
import StepUpCrypto

/// An issued authorization code, as stored: the code itself only as its SHA-256.
///
/// Redeeming is single-use in the store (one conditional `UPDATE … RETURNING`); this type checks everything else
/// the token endpoint must (RFC 6749 §4.1.3, RFC 7636 §4.6).
public struct AuthorizationCode: Sendable, Hashable, Codable {
    public var codeHash: String
    public var clientID: String
    public var redirectURI: String
    public var codeChallenge: String?
    public var nonce: String?
    public var scopes: [String]
    public var authentication: IssuedAuthentication
    /// RFC 9396: the details the user approved in a ceremony bound to them.
    public var authorizationDetails: AuthorizationDetails?
    public var issuedAt: Date
    public var expiresAt: Date

    /// Codes live one minute: long enough for a redirect and a back-channel request.
    public static let lifetime: TimeInterval = 60

    public init(code: String, request: AuthorizationRequest, authentication: IssuedAuthentication, now: Date) {
        codeHash = Self.hash(code)
        clientID = request.clientID
        redirectURI = request.redirectURI
        codeChallenge = request.codeChallenge
        nonce = request.nonce
        scopes = request.scopes
        self.authentication = authentication
        authorizationDetails = request.authorizationDetails
        issuedAt = now
        expiresAt = now + Self.lifetime
    }

    public static func hash(_ code: String) -> String {
        SHA256.hash(data: Array(code.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// Checks a redemption by `clientID`. All failures are `invalid_grant` with the same shape.
    public func validateRedemption(clientID: String, redirectURI: String?, codeVerifier: String?, now: Date)
        throws(OIDCError)
    {
        guard now < expiresAt else { throw .invalidGrant("the authorization code has expired") }
        guard ConstantTime.equals(clientID, self.clientID) else {
            throw .invalidGrant("the authorization code was issued to another client")
        }
        guard redirectURI == self.redirectURI else {
            throw .invalidGrant("redirect_uri does not match the authorization request")
        }
        switch (codeChallenge, codeVerifier) {
        case (nil, nil): return
        case (nil, .some): throw .invalidGrant("code_verifier sent but the authorization request had no code_challenge")
        case (.some, nil): throw .invalidGrant("code_verifier is missing")
        case let (.some(challenge), .some(verifier)):
            guard PKCE.verify(verifier: verifier, challenge: challenge) else {
                throw .invalidGrant("code_verifier does not match the code_challenge")
            }
        }
    }
}
