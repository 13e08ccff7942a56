import Foundation

/// The transaction fields a step-up is bound to, in a canonical form.
///
/// The server hashes ``canonical(action:)`` (SHA-256) into the challenge's binding hash; a grant is valid only for
/// a request whose canonical form hashes the same, so approving "1,500 EUR to ACME" cannot authorise
/// "15,000 EUR to Mallory".
public struct TransactionBinding: Sendable, Hashable {
    /// Field name → value as display text, for the fields named in the requirement's `bind` (absent → `""`).
    /// For messages only: `"1500"` and `1500` display alike, which is why ``canonical(action:)`` does not use it.
    public let values: [String: String]
    /// Field name → typed value, for the bound fields the request has (absent fields have no entry).
    public let typedValues: [String: AttributeValue]

    /// Takes each field from ``RequestContext/value(named:)`` (transaction, then attributes: the same value the
    /// policy's `context` conditions saw), then from the resource.
    public init(fields: [String], request: ActionRequest) {
        var values: [String: String] = [:]
        var typedValues: [String: AttributeValue] = [:]
        for field in fields {
            let value = request.context.value(named: field) ?? request.resource[field]
            values[field] = value?.description ?? ""
            typedValues[field] = value
        }
        self.values = values
        self.typedValues = typedValues
    }

    /// Canonical JSON (RFC 8785, with exact numbers; see ``CanonicalJSONText``) of
    /// `{"action": action, "fields": {name: value, …}, "v": 2}`.
    ///
    /// Values keep their type, so `"1500"` and `1500`, `true` and `"true"`, `null` and `"null"`, and
    /// `["a","b"]` and `"[a, b]"` differ; an absent field is omitted, so it differs from `""` and from `null`.
    ///
    /// ```swift
    /// let binding = TransactionBinding(fields: ["amount"], request: request)
    /// binding.canonical(action: "bank.transfer") // {"action":"bank.transfer","fields":{"amount":1500},"v":2}
    /// ```
    public func canonical(action: String) -> String {
        Self.canonical(action: action, fields: typedValues.mapValues { .attribute($0) })
    }

    /// The same canonical form for structured fields (objects and arrays of them), so a binding made from other
    /// transaction data than attributes — RFC 9396 `authorization_details` at the OpenID Provider — hashes the
    /// same way a policy `bind` does.
    public static func canonical(action: String, fields: [String: CanonicalJSONText.Value]) -> String {
        CanonicalJSONText.text(.object([
            "action": .attribute(.string(action)),
            "fields": .object(fields),
            "v": .attribute(.number(ExactNumber(2))),
        ]))
    }
}

extension Requirement {
    /// The message with `{{field}}` placeholders replaced by bound values (unknown placeholders left empty).
    public func renderedMessage(with values: [String: String]) -> String? {
        guard var text = message else { return nil }
        var output = ""
        while let open = text.range(of: "{{") {
            output += text[..<open.lowerBound]
            let rest = text[open.upperBound...]
            guard let close = rest.range(of: "}}") else {
                output += text[open.lowerBound...]
                text = ""
                break
            }
            let name = rest[..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            output += values[name] ?? ""
            text = String(rest[close.upperBound...])
        }
        return output + text
    }
}
