import Foundation
import Yams

/// `network`, `not_network` and `risk` conditions of a rule's `match`.
extension PolicyParser {
    mutating func parseNetworkCondition(_ node: Node, negated: Bool) -> [PolicyCondition]? {
        guard let items = reader.strings(node, negated ? "not_network" : "network") else { return nil }
        var cidrs: [CIDR] = []
        for (text, itemNode) in items {
            if let named = networks[text] {
                usedNetworks.insert(text)
                cidrs += named
            } else if let cidr = CIDR(text) {
                cidrs.append(cidr)
            } else {
                let known = networks.keys.sorted().joined(separator: ", ")
                reader.error(itemNode, "'\(text)' is neither a CIDR network nor a named network (networks: \(known))")
                return nil
            }
        }
        return [.network(cidrs, names: items.map(\.0), negated: negated)]
    }

    mutating func parseRiskCondition(_ node: Node) -> [PolicyCondition]? {
        if let text = node.scalar?.string {
            return riskBand(text, at: node).map { [.riskAtLeast($0)] }
        }
        guard let entries = reader.mapping(node, "risk", allowed: ["band", "signals"]) else { return nil }
        var conditions: [PolicyCondition] = []
        for entry in entries {
            if entry.key == "band" {
                guard let text = reader.string(entry.value, "band"), let band = riskBand(text, at: entry.value)
                else { return nil }
                conditions.append(.riskAtLeast(band))
            } else {
                guard let names = reader.strings(entry.value, "signals") else { return nil }
                for (name, itemNode) in names where RiskSignalCatalog.entry(name) == nil {
                    reader.error(itemNode, "unknown risk signal '\(name)' (signals: \(Self.signalNames))")
                    return nil
                }
                conditions.append(.riskSignals(Set(names.map(\.0))))
            }
        }
        return conditions
    }

    mutating func riskBand(_ text: String, at node: Node) -> RiskBand? {
        guard let band = RiskBand(rawValue: text) else {
            reader.error(node, "unknown risk band '\(text)' (bands: low, medium, high, critical)")
            return nil
        }
        return band
    }

    static var signalNames: String { RiskSignalCatalog.entries.map(\.name).joined(separator: ", ") }
}
