import Foundation
import StepUpCore

extension AuthorizationDetails {
    /// The details as name → text for the step-up page (its `dl`, which escapes every value): one entry per
    /// scalar, named by its path (`creditorAccount.iban`, `remittanceInformationUnstructured`), `type` included. An
    /// object of exactly `amount` and `currency` reads as one value (`instructedAmount` → `123.50 EUR`). With
    /// several details, names start with the detail's number (`2. type`).
    ///
    /// Nothing is left out or shortened: the user sees everything the binding hash covers. Two members that
    /// would show under one name (`{"a.b": 1, "a": {"b": 2}}`) both show, the second as `a.b (2)`.
    public var display: [String: String] {
        var entries: [String: String] = [:]
        for (index, item) in items.enumerated() {
            let prefix = items.count > 1 ? "\(index + 1). " : ""
            for (name, value) in item {
                Self.flatten(value, path: name) { path, text in
                    var key = prefix + path
                    var copy = 2
                    while entries[key] != nil {
                        key = prefix + path + " (\(copy))"
                        copy += 1
                    }
                    entries[key] = text
                }
            }
        }
        return entries
    }

    /// A short sentence for the step-up prompt: who asks to authorise which kinds of transaction.
    public func prompt(clientName: String) -> String {
        var seen = Set<String>()
        let kinds = types.filter { seen.insert($0).inserted }.map { $0.replacingOccurrences(of: "_", with: " ") }
        return "\(clientName) asks you to approve this \(kinds.joined(separator: ", ")) (details below)."
    }

    private static func flatten(_ value: DetailValue, path: String, into add: (String, String) -> Void) {
        switch value {
        case .scalar(let scalar):
            add(path, scalar.description)
        case .array(let entries):
            if entries.isEmpty { add(path, "(none)") }
            let texts = entries.compactMap(\.text)
            if !texts.isEmpty, texts.count == entries.count {
                add(path, texts.joined(separator: ", "))
                return
            }
            for (index, entry) in entries.enumerated() { flatten(entry, path: "\(path)[\(index + 1)]", into: add) }
        case .object(let members):
            if members.count == 2, let amount = members["amount"]?.text, let currency = members["currency"]?.text {
                add(path, "\(amount) \(currency)")
                return
            }
            if members.isEmpty { add(path, "(empty)") }
            for (name, member) in members { flatten(member, path: "\(path).\(name)", into: add) }
        }
    }
}
