import Foundation
import Yams

extension PolicyInputParser {
    /// `session: {factors: [password, {factor: totp, age: 2m}], idle: 5m}`; ages count back from `now`.
    mutating func session(_ node: Node, now: Date) -> Session? {
        guard let entries = reader.mapping(node, "session", allowed: ["factors", "idle"]) else { return nil }
        var events: [AuthenticationEvent] = []
        var idle: TimeInterval = 0
        var parser = PolicyParser(file: reader.file)
        for entry in entries {
            if entry.key == "idle" {
                idle = parser.duration(entry.value, "idle") ?? 0
                continue
            }
            for (position, item) in (reader.list(entry.value, "factors") ?? []).enumerated() {
                if let event = event(item, index: position, now: now, parser: &parser) { events.append(event) }
            }
        }
        reader.append(parser.reader.diagnostics)
        let oldest = events.map(\.at).min() ?? now
        return Session(
            id: "session", userID: "user", createdAt: min(oldest, now.addingTimeInterval(-idle)),
            lastSeenAt: now.addingTimeInterval(-idle), expiresAt: now.addingTimeInterval(86_400), events: events)
    }

    private mutating func event(_ node: Node, index: Int, now: Date, parser: inout PolicyParser)
        -> AuthenticationEvent?
    {
        if let name = node.scalar?.string {
            return AuthenticationEvent(id: "e\(index)", factor: FactorKind(name), at: now)
        }
        let keys: Set<String> = ["factor", "age", "user_verified", "hardware_bound"]
        guard let entries = reader.mapping(node, "a session factor", allowed: keys),
              let factorNode = entries.first(where: { $0.key == "factor" }),
              let name = reader.string(factorNode.value, "factor")
        else {
            reader.error(node, "a session factor needs 'factor' (and optionally 'age', 'user_verified', "
                + "'hardware_bound')")
            return nil
        }
        let kind = FactorKind(name)
        var traits = kind.traits
        var age: TimeInterval = 0
        for entry in entries {
            if entry.key == "age" { age = parser.duration(entry.value, "age") ?? 0 }
            if entry.key == "user_verified" { traits.userVerified = reader.bool(entry.value, "user_verified") ?? false }
            if entry.key == "hardware_bound" {
                traits.hardwareBound = reader.bool(entry.value, "hardware_bound") ?? false
            }
        }
        return AuthenticationEvent(id: "e\(index)", factor: kind, traits: traits, at: now.addingTimeInterval(-age))
    }

    /// `risk: medium` or `risk: {band: high, score: 70, signals: [new_device, {name: x, weight: 10}]}`.
    mutating func risk(_ node: Node) -> RiskAssessment {
        if let text = node.scalar?.string {
            guard let band = RiskBand(rawValue: text) else {
                reader.error(node, "unknown risk band '\(text)' (low, medium, high, critical)")
                return .none
            }
            return RiskAssessment(score: 0, band: band, signals: [])
        }
        var risk = RiskAssessment.none
        guard let entries = reader.mapping(node, "risk", allowed: ["band", "score", "signals"]) else { return risk }
        for entry in entries {
            switch entry.key {
            case "band":
                let text = reader.string(entry.value, "band") ?? ""
                if let band = RiskBand(rawValue: text) { risk.band = band } else {
                    reader.error(entry.value, "unknown risk band '\(text)' (low, medium, high, critical)")
                }
            case "score": risk.score = reader.number(entry.value, "score") ?? 0
            default:
                for item in reader.list(entry.value, "signals") ?? [] {
                    let name = item.scalar?.string ?? item["name"]?.string ?? ""
                    risk.signals.append(RiskSignal(name: name, weight: item["weight"]?.float ?? 0, evidence: "given"))
                }
            }
        }
        return risk
    }
}

extension NodeReader {
    mutating func append(_ more: [PolicyDiagnostic]) {
        for item in more { report(item.severity, line: item.line, column: item.column, item.message) }
    }
}
