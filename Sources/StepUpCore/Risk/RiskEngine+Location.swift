import Foundation

extension RiskEngine {
    /// A country the user has never signed in from. Silent for a user without any country history
    /// (a first sign-in has nothing to compare with; `new_device` covers it).
    func newCountry(_ input: RiskInput) -> String? {
        guard let country = input.context.country?.uppercased(), !country.isEmpty,
              !input.history.countries.isEmpty, !input.history.knowsCountry(country) else { return nil }
        var text = "first sign-in from \(country)"
        if let last = input.history.lastWithCountry, let lastCountry = last.country {
            text += "; last from \(lastCountry) \(RiskEvidence.duration(input.time.timeIntervalSince(last.time))) ago"
            if let km = distance(from: last, to: input) { text += ", \(RiskEvidence.km(km))" }
        } else if let lastCountry = input.history.countries.last?.code {
            text += "; last from \(lastCountry)"
        }
        return text
    }

    /// Faster than `speed_kmh` between the last located sign-in and this request, over at least
    /// `min_distance_km` (GeoIP places neighbours in the wrong city often enough).
    func impossibleTravel(_ input: RiskInput, _ settings: RiskSettings) -> String? {
        guard let last = input.history.lastLocated, let km = distance(from: last, to: input) else { return nil }
        let speedLimit = settings.number("speed_kmh", of: "impossible_travel", fallback: 900)
        let minimum = settings.number("min_distance_km", of: "impossible_travel", fallback: 300)
        guard km >= minimum else { return nil }
        // Clocks of several instances disagree a little; never divide by less than a minute.
        let elapsed = max(60, input.time.timeIntervalSince(last.time))
        let speed = km / (elapsed / 3600)
        guard speed > speedLimit else { return nil }
        let from = last.country.map { " from \($0)" } ?? ""
        let to = input.context.country.map { " to \($0.uppercased())" } ?? ""
        return "\(RiskEvidence.km(km))\(from)\(to) in \(RiskEvidence.duration(elapsed)): "
            + "\(RiskEvidence.grouped(Int(min(speed, 1e9)))) km/h, "
            + "faster than \(RiskEvidence.grouped(Int(min(max(speedLimit, 0), 1e9)))) km/h"
    }

    /// Distance between a past sign-in and the current request, when both have coordinates.
    func distance(from sign: RiskHistory.SignIn, to input: RiskInput) -> Double? {
        guard let lat1 = sign.latitude, let lon1 = sign.longitude,
              let lat2 = input.context.latitude, let lon2 = input.context.longitude else { return nil }
        return GreatCircle.distanceKm(lat1, lon1, lat2, lon2)
    }
}
