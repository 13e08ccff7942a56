import Foundation

/// Step-up message templates: `Approve transfer of {{amount}} {{currency}} to {{payee}}`.
public enum PolicyMessage {
    /// Field names used as `{{name}}` placeholders, in order of appearance.
    public static func placeholders(in template: String) -> [String] {
        var names: [String] = []
        var rest = template[...]
        while let open = rest.range(of: "{{") {
            let after = rest[open.upperBound...]
            guard let close = after.range(of: "}}") else { break }
            let name = after[..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            if !name.isEmpty, !names.contains(name) { names.append(name) }
            rest = after[close.upperBound...]
        }
        return names
    }

    /// Fills placeholders from `fields` (missing ones become empty), for the step-up prompt.
    public static func render(_ template: String, fields: Attributes) -> String {
        var output = ""
        var rest = template[...]
        while let open = rest.range(of: "{{") {
            let after = rest[open.upperBound...]
            guard let close = after.range(of: "}}") else { break }
            output += rest[..<open.lowerBound]
            let name = after[..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            output += fields[name]?.description ?? ""
            rest = after[close.upperBound...]
        }
        return output + rest
    }
}
