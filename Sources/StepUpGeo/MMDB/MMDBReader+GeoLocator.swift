import StepUpCore
import Synchronization

extension MMDBReader: GeoLocator {
    public func locate(_ ip: String) -> GeoLocation? {
        guard let address = IPAddress(ip) else { return nil }
        return location(of: address)
    }

    /// Country (`country.iso_code`, else `registered_country.iso_code`) and `location.latitude/longitude`,
    /// picked out of the record without decoding the rest; cached by record offset.
    public func location(of address: IPAddress) -> GeoLocation? {
        guard let offset = recordOffset(for: address) else { return nil }
        if let cached = cache.get(offset) { return cached }
        guard let location = try? extractLocation(at: offset) else { return nil }
        cache.put(offset, location)
        return location
    }

    private static let countryKey = Array("country".utf8)
    private static let registeredKey = Array("registered_country".utf8)
    private static let isoKey = Array("iso_code".utf8)
    private static let locationKey = Array("location".utf8)
    private static let latitudeKey = Array("latitude".utf8)
    private static let longitudeKey = Array("longitude".utf8)

    private func extractLocation(at offset: Int) throws(GeoError) -> GeoLocation? {
        var result = GeoLocation()
        var registered: String?
        try data.forEachEntry(ofMapAt: offset) { (key, value) throws(GeoError) in
            if try data.stringEquals(at: key, Self.countryKey) {
                result.country = try isoCode(inMapAt: value)
            } else if try data.stringEquals(at: key, Self.registeredKey) {
                registered = try isoCode(inMapAt: value)
            } else if try data.stringEquals(at: key, Self.locationKey) {
                try data.forEachEntry(ofMapAt: value) { (key, value) throws(GeoError) in
                    if try data.stringEquals(at: key, Self.latitudeKey) {
                        result.latitude = try data.number(at: value)
                    } else if try data.stringEquals(at: key, Self.longitudeKey) {
                        result.longitude = try data.number(at: value)
                    }
                    return true
                }
            }
            return true
        }
        if result.country == nil { result.country = registered }
        if result.country == nil, result.coordinates == nil { return nil }
        return result
    }

    private func isoCode(inMapAt offset: Int) throws(GeoError) -> String? {
        var code: String?
        try data.forEachEntry(ofMapAt: offset) { (key, value) throws(GeoError) in
            guard try data.stringEquals(at: key, Self.isoKey) else { return true }
            code = try data.string(at: value)?.uppercased()
            return false
        }
        return code
    }
}

/// Decoded locations by record offset. Bounded: cleared when full, which is cheap and keeps memory flat.
final class LocationCache: Sendable {
    private let entries = Mutex<[Int: GeoLocation]>([:])
    static let capacity = 65_536

    func get(_ offset: Int) -> GeoLocation? {
        entries.withLock { $0[offset] }
    }

    func put(_ offset: Int, _ location: GeoLocation) {
        entries.withLock { entries in
            if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
            entries[offset] = location
        }
    }
}
