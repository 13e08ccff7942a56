import Foundation
import StepUpCore

/// RFC 9396 `authorization_details`: what exactly the client asks the user to authorise ("pay 123.50 EUR to
/// Merchant A"), as a JSON array of objects each with a string `type`.
///
/// The details are shown on the step-up page and bound to the ceremony like a policy `bind`: the challenge carries
/// the SHA-256 of ``canonicalText`` (the core's ``TransactionBinding`` form), and a code is issued only for a grant
/// proved for that same hash. The approved details travel unchanged into the code, the tokens and introspection.
///
/// ```swift
/// let details = try AuthorizationDetails.parse(#"[{"type":"payment_initiation","instructedAmount":{"currency":"EUR","amount":"123.50"}}]"#,
///                                              allowedTypes: ["payment_initiation"])
/// details.types // ["payment_initiation"]
/// ```
public struct AuthorizationDetails: Sendable, Hashable, Codable {
    /// Each detail's members, `type` included.
    public let items: [[String: DetailValue]]

    /// Larger requests are refused: the page must be able to show everything the user approves.
    public static let maximumLength = 8_192
    public static let maximumCount = 8
    public static let maximumDepth = 6
    /// The action the binding hash is made for (the same action the policy sees at `/oauth2/authorize`).
    public static let bindingAction = "oidc.authorize"

    init(items: [[String: DetailValue]]) {
        self.items = items
    }

    /// The types, in request order.
    public var types: [String] { items.map { $0["type"]?.text ?? "" } }

    /// Parses and validates a request's `authorization_details` against the types the client may use.
    /// - Throws: `invalid_authorization_details` (RFC 9396 §5) naming what is wrong.
    public static func parse(_ text: String, allowedTypes: [String]) throws(OIDCError) -> AuthorizationDetails {
        guard text.utf8.count <= maximumLength else {
            throw .invalidAuthorizationDetails("authorization_details is longer than \(maximumLength) bytes")
        }
        guard ExactNumber.jsonNumbersFit(text.utf8) else {
            throw .invalidAuthorizationDetails("a number in authorization_details has more than 37 digits; send it as a string")
        }
        let decoded: DetailValue
        do {
            decoded = try JSONDecoder().decode(DetailValue.self, from: Data(text.utf8))
        } catch {
            throw .invalidAuthorizationDetails("authorization_details must be a JSON array of objects")
        }
        guard case .array(let elements) = decoded, !elements.isEmpty else {
            throw .invalidAuthorizationDetails("authorization_details must be a non-empty JSON array of objects")
        }
        guard elements.count <= maximumCount else {
            throw .invalidAuthorizationDetails("at most \(maximumCount) authorization details per request")
        }
        guard decoded.depth <= maximumDepth + 1 else {
            throw .invalidAuthorizationDetails("authorization_details is nested more than \(maximumDepth) levels deep")
        }
        var items: [[String: DetailValue]] = []
        for (index, element) in elements.enumerated() {
            guard case .object(let members) = element else {
                throw .invalidAuthorizationDetails("authorization_details[\(index)] is not a JSON object")
            }
            guard case .scalar(.string(let type))? = members["type"], !type.isEmpty else {
                throw .invalidAuthorizationDetails("authorization_details[\(index)] has no string type")
            }
            guard allowedTypes.contains(type) else {
                throw .invalidAuthorizationDetails("the authorization details type \(type) is not allowed for this client")
            }
            try validateCommonFields(members, index: index)
            guard element.isDisplaySafe else {
                throw .invalidAuthorizationDetails(
                    "authorization_details[\(index)] contains control or invisible formatting characters")
            }
            items.append(members)
        }
        return AuthorizationDetails(items: items)
    }

    /// RFC 9396 §2.2: `locations`, `actions`, `datatypes` and `privileges` are arrays of strings, `identifier` a string.
    static func validateCommonFields(_ members: [String: DetailValue], index: Int) throws(OIDCError) {
        for name in ["locations", "actions", "datatypes", "privileges"] {
            guard let value = members[name] else { continue }
            guard case .array(let entries) = value, entries.allSatisfy({
                if case .scalar(.string) = $0 { return true }
                return false
            }) else {
                throw .invalidAuthorizationDetails("authorization_details[\(index)].\(name) must be an array of strings")
            }
        }
        if let identifier = members["identifier"] {
            guard case .scalar(.string) = identifier else {
                throw .invalidAuthorizationDetails("authorization_details[\(index)].identifier must be a string")
            }
        }
    }

    /// Canonical JSON (RFC 8785, exact numbers) of the binding, exactly as ``TransactionBinding`` writes a policy
    /// `bind`: `{"action":"oidc.authorize","fields":{"authorization_details":[…]},"v":2}`. Its SHA-256 is the
    /// challenge's binding hash.
    public var canonicalText: String {
        TransactionBinding.canonical(action: Self.bindingAction, fields: [
            "authorization_details": .array(items.map { .object($0.mapValues(\.canonical)) }),
        ])
    }

    /// Whether every detail of `subset` is one of these, member for member (RFC 9396 §6.1: a token request may
    /// narrow what was approved, never widen or change it).
    public func contains(_ subset: AuthorizationDetails) -> Bool {
        subset.items.allSatisfy { items.contains($0) }
    }

    /// The details a token request gets (RFC 9396 §6.1): all approved ones, or the subset the request names.
    /// - Throws: `invalid_authorization_details` when the request names a detail that was not approved exactly as
    ///   it is (a changed amount, another creditor) or none were approved.
    public static func forToken(approved: AuthorizationDetails?, requested: String?, allowedTypes: [String])
        throws(OIDCError) -> AuthorizationDetails?
    {
        guard let requested else { return approved }
        let subset = try parse(requested, allowedTypes: allowedTypes)
        guard let approved, approved.contains(subset) else {
            throw .invalidAuthorizationDetails("authorization_details names details the user did not approve")
        }
        return subset
    }

    // MARK: JSON: the array itself

    public init(from decoder: any Decoder) throws {
        let value = try DetailValue(from: decoder)
        guard case .array(let elements) = value else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "authorization_details must be an array"))
        }
        items = try elements.map { element in
            guard case .object(let members) = element else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                        debugDescription: "each authorization detail is an object"))
            }
            return members
        }
    }

    public func encode(to encoder: any Encoder) throws {
        try DetailValue.array(items.map { .object($0) }).encode(to: encoder)
    }
}
