import Foundation

/// The transaction fields a step-up is bound to, in a canonical form.
///
/// The server hashes ``canonical`` (SHA-256) into the challenge's binding hash; a grant is valid only for a
/// request whose canonical form hashes the same, so approving "1,500 EUR to ACME" cannot authorise
/// "15,000 EUR to Mallory".
public struct TransactionBinding: Sendable, Hashable {
    /// Field name → value as text, for the fields named in the requirement's `bind`.
    public let values: [String: String]

    /// Takes each field from the transaction, then the resource, then the other context attributes.
    public init(fields: [String], request: ActionRequest) {
        var values: [String: String] = [:]
        for field in fields {
            let value = request.context.transaction[field] ?? request.resource[field] ?? request.context.attributes[field]
            values[field] = value.map(\.description) ?? ""
        }
        self.values = values
    }

    /// `action` then `name=value` lines sorted by name; names and values are length-prefixed so no
    /// choice of values can produce the same text as another.
    public func canonical(action: String) -> String {
        var text = "stepup-binding-v1\n\(action.utf8.count):\(action)\n"
        for name in values.keys.sorted() {
            let value = values[name] ?? ""
            text += "\(name.utf8.count):\(name)=\(value.utf8.count):\(value)\n"
        }
        return text
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
