import Foundation

extension RiskEngine {
    /// A device this user has not used before (or no device id at all).
    func newDevice(_ input: RiskInput) -> String? {
        switch input.device {
        case .known, .trusted:
            return nil
        case .absent:
            return "no device identifier presented"
        case .new:
            let id = input.context.deviceID.map { " (\($0.prefix(8))…)" } ?? ""
            let count = input.history.devices.count
            return "first sign-in from this device\(id); \(count) known device\(count == 1 ? "" : "s")"
        }
    }

    /// An hour at which this user is rarely active: the request's UTC hour and its two neighbours together
    /// hold less than `max_share` of the user's sign-ins, once at least `min_history` are known.
    func unusualHour(_ input: RiskInput, _ settings: RiskSettings) -> String? {
        let hours = input.history.hours
        let total = input.history.hourTotal
        let minimum = settings.number("min_history", of: "unusual_hour", fallback: 20)
        guard hours.count == 24, total > 0, Double(total) >= minimum else { return nil }
        let hour = RiskHistory.utcHour(input.time)
        let around = hours[(hour + 23) % 24] + hours[hour] + hours[(hour + 1) % 24]
        let share = settings.number("max_share", of: "unusual_hour", fallback: 0.05)
        guard Double(around) / Double(total) < share else { return nil }
        let from = RiskEvidence.hour((hour + 23) % 24)
        let to = RiskEvidence.hour((hour + 2) % 24)
        return "activity at \(RiskEvidence.hour(hour)) UTC\(localHour(input.time, settings)); \(around) of this "
            + "user's \(total) sign-ins fall between \(from) and \(to) UTC"
    }

    /// " (05:00 Europe/Paris)" when the policy names a time zone for people reading the evidence.
    private func localHour(_ time: Date, _ settings: RiskSettings) -> String {
        guard let name = settings.strings("time_zone", of: "unusual_hour")?.first,
              let zone = TimeZone(identifier: name) else { return "" }
        let shifted = time.addingTimeInterval(TimeInterval(zone.secondsFromGMT(for: time)))
        return " (\(RiskEvidence.hour(RiskHistory.utcHour(shifted))) \(name))"
    }

    /// The browser family changed since the session began (a stolen cookie replayed from a script, say).
    func userAgentChange(_ input: RiskInput) -> String? {
        guard let before = UserAgentFamily(input.sessionUserAgent),
              let now = UserAgentFamily(input.context.userAgent), before != now else { return nil }
        return "user agent changed from \(before) to \(now) within the session"
    }
}
