import Foundation
import Yams

extension PolicyParser {
    static let timeKeys: Set<String> = ["days", "hours", "time_zone", "outside"]
    static let sessionKeys: Set<String> = [
        "present", "factors", "phishing_resistant", "user_verified", "hardware_bound", "within", "level",
    ]

    /// `{days: [mon-fri], hours: "09:00-17:00", time_zone: Europe/Paris, outside: false}`.
    mutating func parseTime(_ node: Node) -> TimeWindow? {
        guard let entries = reader.mapping(node, "time", allowed: Self.timeKeys) else { return nil }
        var days: Set<Int> = []
        var start = 0, end = 0
        var zone = TimeZone(identifier: "UTC") ?? TimeZone.current
        var outside = false
        for entry in entries {
            switch entry.key {
            case "days":
                guard let items = reader.strings(entry.value, "days") else { return nil }
                for (text, itemNode) in items {
                    guard let range = Self.dayRange(text) else {
                        reader.error(itemNode, "'\(text)' is not a day or day range (mon, tue, …, sun; mon-fri)")
                        return nil
                    }
                    days.formUnion(range)
                }
            case "hours":
                let text = reader.string(entry.value, "hours") ?? ""
                let parts = text.split(separator: "-")
                guard parts.count == 2, let from = TimeWindow.minutes(parts[0]), let to = TimeWindow.minutes(parts[1])
                else {
                    reader.error(entry.value, "hours must look like 09:00-17:00 (24-hour clock)")
                    return nil
                }
                (start, end) = (from % 1440, to % 1440)
            case "time_zone":
                guard let name = reader.string(entry.value, "time_zone") else { return nil }
                guard let found = TimeZone(identifier: name) else {
                    reader.error(entry.value, "unknown time zone '\(name)' (use an IANA name such as Europe/Paris)")
                    return nil
                }
                zone = found
            default:
                guard let value = reader.bool(entry.value, "outside") else { return nil }
                outside = value
            }
        }
        return TimeWindow(days: days, start: start, end: end, timeZone: zone, outside: outside)
    }

    /// `mon` or `mon-fri` (wrapping ranges like `fri-mon` are allowed) as Foundation weekday numbers.
    static func dayRange(_ text: String) -> Set<Int>? {
        let parts = text.lowercased().split(separator: "-").map(String.init)
        guard (1...2).contains(parts.count), let first = TimeWindow.dayNames[parts[0]] else { return nil }
        guard parts.count == 2 else { return [first] }
        guard let last = TimeWindow.dayNames[parts[1]] else { return nil }
        var days: Set<Int> = [first]
        var day = first
        while day != last {
            day = day % 7 + 1
            days.insert(day)
        }
        return days
    }

    mutating func parseSession(_ node: Node) -> SessionCondition? {
        guard let entries = reader.mapping(node, "session", allowed: Self.sessionKeys) else { return nil }
        var condition = SessionCondition()
        for entry in entries {
            switch entry.key {
            case "present":
                guard let value = reader.bool(entry.value, "present") else { return nil }
                condition.present = value
            case "factors":
                guard let kinds = factorKinds(entry.value, "factors") else { return nil }
                condition.factors = Set(kinds)
            case "within":
                guard let seconds = duration(entry.value, "within") else { return nil }
                condition.within = seconds
            case "level":
                guard let name = reader.string(entry.value, "level"), let level = level(named: name, at: entry.value)
                else { return nil }
                condition.level = level
            default:
                guard let value = reader.bool(entry.value, entry.key) else { return nil }
                switch entry.key {
                case "phishing_resistant": condition.phishingResistant = value
                case "user_verified": condition.userVerified = value
                default: condition.hardwareBound = value
                }
            }
        }
        return condition
    }
}
