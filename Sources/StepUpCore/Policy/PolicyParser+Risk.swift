import Foundation
import Yams

extension PolicyParser {
    /// `risk: {thresholds: {medium: 30, …}, signals: {new_device: {enabled, weight, <parameters>}}}`.
    mutating func parseRisk(_ node: Node) -> RiskSettings {
        var settings = RiskSettings.default
        guard let entries = reader.mapping(node, "risk", allowed: ["thresholds", "signals"]) else { return settings }
        for entry in entries {
            if entry.key == "thresholds" {
                settings.thresholds = parseThresholds(entry.value)
            } else if let signals = reader.mapping(entry.value, "signals") {
                for signal in signals {
                    guard let catalog = RiskSignalCatalog.entry(signal.key) else {
                        let message = "unknown risk signal '\(signal.key)' (signals: \(Self.signalNames))"
                        reader.error(signal.keyNode, message)
                        continue
                    }
                    if let parsed = parseSignal(signal.value, catalog) { settings.signals[signal.key] = parsed }
                }
            }
        }
        return settings
    }

    private mutating func parseThresholds(_ node: Node) -> [RiskBand: Double] {
        var thresholds = RiskSettings.defaultThresholds
        let allowed: Set<String> = ["medium", "high", "critical"]
        guard let entries = reader.mapping(node, "thresholds", allowed: allowed) else { return thresholds }
        for entry in entries {
            if let band = RiskBand(rawValue: entry.key), let value = reader.number(entry.value, entry.key) {
                thresholds[band] = value
            }
        }
        let ordered = [RiskBand.medium, .high, .critical].compactMap { thresholds[$0] }
        if zip(ordered, ordered.dropFirst()).contains(where: { $0 >= $1 }) {
            reader.error(node, "thresholds must increase: medium < high < critical")
        }
        return thresholds
    }

    private mutating func parseSignal(_ node: Node, _ catalog: RiskSignalCatalog.Entry) -> SignalSettings? {
        guard let entries = reader.mapping(node, "signal '\(catalog.name)'") else { return nil }
        var settings = catalog.defaults
        for entry in entries {
            switch entry.key {
            case "enabled":
                settings.enabled = reader.bool(entry.value, "enabled") ?? settings.enabled
            case "weight":
                settings.weight = reader.number(entry.value, "weight") ?? settings.weight
            default:
                guard catalog.parameters.contains(entry.key) else {
                    let known = (["enabled", "weight"] + catalog.parameters.sorted()).joined(separator: ", ")
                    reader.error(entry.keyNode, "unknown key '\(entry.key)' in signal '\(catalog.name)' "
                        + "(known keys: \(known))")
                    continue
                }
                if Self.namesLists(signal: catalog.name, parameter: entry.key) {
                    guard let names = parseListNames(entry.value, signal: catalog.name, parameter: entry.key)
                    else { continue }
                    settings.parameters[entry.key] = names
                } else {
                    settings.parameters[entry.key] = attributeValue(entry.value)
                }
            }
        }
        return settings
    }
}
