import Foundation

/// Where an attribute condition looks its attribute up.
enum AttributeScope: String, Sendable {
    case resource
    /// Transaction fields, then context attributes (``RequestContext/value(named:)``, as the binding reads them).
    case context
    case transaction
    case subject
    /// `context.ip`, `context.country`, `context.user_agent`, `context.device_id`: resolved when the policy loads,
    /// so evaluation never compares names.
    case contextIP, contextCountry, contextUserAgent, contextDeviceID

    /// The scope to use for `name` looked up in `scope`.
    static func resolve(_ scope: AttributeScope, _ name: String) -> AttributeScope {
        guard scope == .context else { return scope }
        switch name {
        case "ip": return .contextIP
        case "country": return .contextCountry
        case "user_agent": return .contextUserAgent
        case "device_id": return .contextDeviceID
        default: return .context
        }
    }

    var label: String {
        switch self {
        case .resource, .context, .transaction, .subject: return rawValue
        default: return "context"
        }
    }

    func value(_ name: String, in input: PolicyInput) -> AttributeValue? {
        switch self {
        case .resource: return input.request.resource[name]
        case .transaction: return input.request.context.transaction[name]
        case .subject: return input.subject.attributes[name]
        case .context: return input.request.context.value(named: name)
        case .contextIP: return input.request.context.ip.map(AttributeValue.string)
        case .contextCountry: return input.request.context.country.map(AttributeValue.string)
        case .contextUserAgent: return input.request.context.userAgent.map(AttributeValue.string)
        case .contextDeviceID: return input.request.context.deviceID.map(AttributeValue.string)
        }
    }
}

/// One test a rule makes; a rule matches when all its conditions hold.
enum PolicyCondition: Sendable {
    case actions([ActionGlob])
    case methods(Set<String>)
    case paths([PathPattern])
    /// A `{name}` segment of the rule's path patterns, tested like an attribute.
    case pathParameter([PathPattern], String, [AttributeTest])
    case roles(Set<String>, negated: Bool)
    case groups(Set<String>, negated: Bool)
    case tenants(Set<String>)
    case attribute(AttributeScope, String, [AttributeTest])
    case network([CIDR], names: [String], negated: Bool)
    case riskAtLeast(RiskBand)
    case riskSignals(Set<String>)
    case time(TimeWindow)
    case session(SessionCondition)

    func matches(_ input: PolicyInput) -> Bool {
        switch self {
        case .actions(let globs):
            let action = input.request.action
            return globs.contains { $0.matches(action) }
        case .methods(let methods):
            return input.request.method.map { methods.contains($0.uppercased()) } ?? false
        case .paths(let patterns):
            guard let path = input.request.path else { return false }
            return patterns.contains { $0.matches(path) }
        case .pathParameter(let patterns, let name, let tests):
            guard let path = input.request.path else { return false }
            let value = patterns.lazy.compactMap { $0.parameter(name, in: path) }.first.map(AttributeValue.string)
            return tests.allSatisfy { $0.matches(value) }
        case .roles(let roles, let negated):
            return !roles.isDisjoint(with: input.subject.roles) != negated
        case .groups(let groups, let negated):
            return !groups.isDisjoint(with: input.subject.groups) != negated
        case .tenants(let tenants):
            return input.subject.tenant.map(tenants.contains) ?? false
        case .attribute(let scope, let name, let tests):
            let value = scope.value(name, in: input)
            return tests.allSatisfy { $0.matches(value) }
        case .network(let networks, _, let negated):
            // An unknown or unparsable address is in no network: `network` fails, `not_network` holds.
            guard let ip = input.request.context.ip, let address = IPAddress.parse(ip) else { return negated }
            return networks.contains { $0.contains(address) } != negated
        case .riskAtLeast(let band):
            return input.risk.band >= band
        case .riskSignals(let names):
            return input.risk.signals.contains { names.contains($0.name) }
        case .time(let window):
            return window.contains(input.request.context.time ?? input.now)
        case .session(let condition):
            return condition.matches(input.session, at: input.now)
        }
    }

    /// The condition in words, for explanations.
    var description: String {
        func list(_ items: some Sequence<String>) -> String { items.sorted().joined(separator: ", ") }
        switch self {
        case .actions(let globs): return "action matches \(globs.map(\.text).joined(separator: " or "))"
        case .methods(let methods): return "method is \(list(methods))"
        case .paths(let paths): return "path matches \(paths.map(\.text).joined(separator: " or "))"
        case .pathParameter(_, let name, let tests):
            return tests.map { "path.\(name) \($0)" }.joined(separator: " and ")
        case .roles(let roles, let negated): return "subject has \(negated ? "none" : "one") of roles \(list(roles))"
        case .groups(let groups, let negated):
            return "subject is in \(negated ? "none" : "one") of groups \(list(groups))"
        case .tenants(let tenants): return "subject tenant is one of \(list(tenants))"
        case .attribute(let scope, let name, let tests):
            return tests.map { "\(scope.label).\(name) \($0)" }.joined(separator: " and ")
        case .network(_, let names, let negated):
            return "ip is \(negated ? "not " : "")in \(names.joined(separator: ", "))"
        case .riskAtLeast(let band): return "risk band is at least \(band.rawValue)"
        case .riskSignals(let names): return "risk signal \(list(names)) fired"
        case .time(let window): return "time is \(window)"
        case .session(let condition): return "session \(condition)"
        }
    }

    /// What the request had, for explanations of a failed condition.
    func observed(_ input: PolicyInput) -> String {
        let request = input.request
        switch self {
        case .actions: return "action is \(request.action)"
        case .methods: return "method is \(request.method ?? "absent")"
        case .paths, .pathParameter: return "path is \(request.path ?? "absent")"
        case .roles: return "roles are [\(input.subject.roles.sorted().joined(separator: ", "))]"
        case .groups: return "groups are [\(input.subject.groups.sorted().joined(separator: ", "))]"
        case .tenants: return "tenant is \(input.subject.tenant ?? "absent")"
        case .attribute(let scope, let name, _):
            return "\(scope.label).\(name) is \(scope.value(name, in: input)?.description ?? "absent")"
        case .network: return "ip is \(request.context.ip ?? "absent")"
        case .riskAtLeast, .riskSignals:
            let signals = input.risk.signals.map(\.name).joined(separator: ", ")
            return "risk band is \(input.risk.band.rawValue), signals [\(signals)]"
        case .time: return "time is \(ISO8601DateFormatter().string(from: request.context.time ?? input.now))"
        case .session:
            guard let session = input.session else { return "there is no session" }
            return "session factors are [\(session.events.map(\.factor.rawValue).joined(separator: ", "))]"
        }
    }
}
