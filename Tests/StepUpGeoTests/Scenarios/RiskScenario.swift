import Foundation
import StepUpCore
import StepUpGeo

/// A scenario file: optional risk settings, a small address→location table, and steps (sign-ins and
/// "this was me" confirmations) with the signals and band each assessment must produce.
struct RiskScenario: Decodable {
    struct Settings: Decodable {
        var thresholds: [String: Double]?
        /// Per signal: `enabled`, `weight` and any catalog parameter.
        var signals: [String: [String: AttributeValue]]?
    }

    struct Place: Decodable {
        var country: String?
        var lat: Double?
        var lon: Double?
    }

    struct Expect: Decodable {
        /// Exactly these signals fire (order-insensitive).
        var signals: [String]
        var band: String?
        var score: Double?
        /// Signal name → text its evidence must contain.
        var evidence: [String: String]?
    }

    struct Step: Decodable {
        var name: String?
        /// `sign_in` (assess, then learn if `succeed`), `decision` (assess only) or `confirm` (learn only).
        var action: String
        var at: String
        var repeatCount: Int?
        var everyHours: Double?
        var ip: String?
        var country: String?
        var lat: Double?
        var lon: Double?
        var device: String?
        var deviceStatus: String?
        var userAgent: String?
        var sessionUserAgent: String?
        var userFailures: Int?
        var addressFailures: Int?
        var usernames: Int?
        var lists: [String]?
        var anonymizing: [String]?
        var addressTrusted: Bool?
        var succeed: Bool?
        var expect: Expect?

        enum CodingKeys: String, CodingKey {
            case name, action, at, ip, country, lat, lon, device, lists, anonymizing, succeed, expect, usernames
            case repeatCount = "repeat", everyHours = "every_hours", deviceStatus = "device_status"
            case userAgent = "user_agent", sessionUserAgent = "session_user_agent"
            case userFailures = "user_failures", addressFailures = "address_failures"
            case addressTrusted = "address_trusted"
        }
    }

    var name: String
    var settings: Settings?
    var geo: [String: Place]?
    var steps: [Step]

    var riskSettings: RiskSettings {
        var result = RiskSettings()
        for (band, value) in settings?.thresholds ?? [:] {
            if let band = RiskBand(rawValue: band) { result.thresholds[band] = value }
        }
        for (signal, fields) in settings?.signals ?? [:] {
            var parameters = fields
            let enabled = parameters.removeValue(forKey: "enabled").map { $0 == .bool(true) } ?? true
            let defaults = result.settings(for: signal)
            let weight = parameters.removeValue(forKey: "weight")?.numberValue ?? defaults.weight
            result.signals[signal] = SignalSettings(enabled: enabled, weight: weight, parameters: parameters)
        }
        return result
    }
}

/// The scenario's `geo:` table (CIDR block → place) as a GeoLocator, through StepUpGeo's range table.
struct TableLocator: GeoLocator {
    let table: IPRangeTable<GeoLocation>

    init(places: [String: RiskScenario.Place]) {
        table = IPRangeTable(places.compactMap { key, place in
            CIDR(key).map { ($0.network, $0.last, GeoLocation(country: place.country, latitude: place.lat,
                                                             longitude: place.lon)) }
        })
    }

    func locate(_ ip: String) -> GeoLocation? { table.value(for: ip) }
}
