import Foundation
import Yams

/// Reads a request description (YAML or JSON, same keys) into a ``PolicyInput``, for `policy test` cases and
/// `policy explain --request`.
///
/// Keys: `action`, `method`, `path`, `resource`, `context` (`ip`, `country`, `user_agent`, `device_id`, `time`,
/// `transaction`, `attributes`; other keys become attributes), `subject` (`id`, `username`, `roles`, `groups`,
/// `tenant`, `attributes`), `session` (`factors`: names or `{factor, age, user_verified}`; `idle`),
/// `risk` (a band, or `{band, score, signals}`), `now` (ISO 8601).
struct PolicyInputParser {
    var reader: NodeReader
    let defaultNow: Date

    static let requestKeys: Set<String> = ["action", "method", "path", "resource", "context", "subject", "session",
                                           "risk", "now"]

    /// The action of a request that names none (`policy explain --url`: the route decides it); nil: required.
    var defaultAction: String?

    init(file: String, now: Date, defaultAction: String? = nil) {
        reader = NodeReader(file: file)
        defaultNow = now
        self.defaultAction = defaultAction
    }

    /// Parses the request keys of `entries`, ignoring keys in `extra` (a test case's `name` and `expect`).
    mutating func input(_ node: Node, extra: Set<String> = []) -> PolicyInput? {
        let allowed = Self.requestKeys.union(extra)
        guard let entries = reader.mapping(node, "a request", allowed: allowed) else { return nil }
        let find = { (key: String) in entries.first { $0.key == key }?.value }
        let actionNode = find("action")
        guard let action = actionNode.flatMap({ reader.string($0, "action") }) ?? defaultAction else {
            reader.error(node, "a request needs an 'action'")
            return nil
        }
        guard ActionName.isValid(action) else {
            reader.error(actionNode ?? node, "'\(action.prefix(80))' is not a valid action name: use 1–200 letters, digits and "
                + ". _ : - in dotted segments, such as payments.transfer")
            return nil
        }
        var now = defaultNow
        if let node = find("now") {
            guard let date = Self.date(node) else {
                reader.error(node, "now must be an ISO 8601 time such as 2026-01-05T10:00:00Z")
                return nil
            }
            now = date
        }
        var request = ActionRequest(action: action)
        if let node = find("method") { request.method = reader.string(node, "method") }
        if let node = find("path") { request.path = reader.string(node, "path") }
        if let node = find("resource") { request.resource = attributes(node, "resource") }
        if let node = find("context") { request.context = context(node) }
        var subject = Subject(id: "user", username: "user")
        if let node = find("subject") { subject = self.subject(node) }
        var session: Session?
        if let node = find("session") { session = self.session(node, now: now) }
        var risk = RiskAssessment.none
        if let node = find("risk") { risk = self.risk(node) }
        return PolicyInput(request: request, subject: subject, session: session, risk: risk, now: now)
    }

    mutating func attributes(_ node: Node, _ what: String) -> Attributes {
        guard let entries = reader.mapping(node, what) else { return [:] }
        let parser = PolicyParser(file: reader.file)
        var result: Attributes = [:]
        for entry in entries { result[entry.key] = parser.attributeValue(entry.value) }
        return result
    }

    private mutating func context(_ node: Node) -> RequestContext {
        var context = RequestContext()
        guard let entries = reader.mapping(node, "context") else { return context }
        // Where each context attribute was written, to point at a name that shadows a transaction field.
        var attributeNodes: [String: Node] = [:]
        for entry in entries {
            let text = entry.value.scalar?.string
            switch entry.key {
            case "ip": context.ip = text
            case "country": context.country = text
            case "user_agent": context.userAgent = text
            case "device_id": context.deviceID = text
            case "time":
                context.time = Self.date(entry.value)
                if context.time == nil { reader.error(entry.value, "time must be an ISO 8601 time") }
            case "transaction": context.transaction = attributes(entry.value, "transaction")
            case "attributes":
                context.attributes.merge(attributes(entry.value, "attributes")) { $1 }
                for (key, _) in entry.value.mapping ?? [:] {
                    if let name = key.scalar?.string { attributeNodes[name] = key }
                }
            default:
                context.attributes[entry.key] = PolicyParser(file: "").attributeValue(entry.value)
                attributeNodes[entry.key] = entry.keyNode
            }
        }
        // The server refuses such requests (ActionRequest.validate), so a case must not rely on one.
        for name in ActionRequest(action: "", context: context).shadowedNames() {
            reader.error(attributeNodes[name] ?? node, ActionRequestError.shadowed([name]).reason)
        }
        return context
    }

    private mutating func subject(_ node: Node) -> Subject {
        var subject = Subject(id: "user", username: "user")
        guard let entries = reader.mapping(node, "subject", allowed: ["id", "username", "roles", "groups", "tenant",
                                                                     "attributes"]) else { return subject }
        for entry in entries {
            switch entry.key {
            case "id": subject.id = reader.string(entry.value, "id") ?? subject.id
            case "username": subject.username = reader.string(entry.value, "username") ?? subject.username
            case "roles": subject.roles = Set(reader.strings(entry.value, "roles")?.map(\.0) ?? [])
            case "groups": subject.groups = Set(reader.strings(entry.value, "groups")?.map(\.0) ?? [])
            case "tenant": subject.tenant = reader.string(entry.value, "tenant")
            default: subject.attributes = attributes(entry.value, "attributes")
            }
        }
        return subject
    }

    static func date(_ node: Node) -> Date? {
        if let date = node.timestamp { return date }
        guard let text = node.scalar?.string else { return nil }
        return ISO8601DateFormatter().date(from: text)
    }
}
