/// Where an address is, as far as a geolocation source can tell.
public struct GeoLocation: Sendable, Hashable, Codable {
    /// ISO 3166-1 alpha-2 code, upper case (e.g. `FR`).
    public var country: String?
    public var latitude: Double?
    public var longitude: Double?

    public init(country: String? = nil, latitude: Double? = nil, longitude: Double? = nil) {
        self.country = country
        self.latitude = latitude
        self.longitude = longitude
    }

    /// Both coordinates, when known.
    public var coordinates: (latitude: Double, longitude: Double)? {
        guard let latitude, let longitude else { return nil }
        return (latitude, longitude)
    }
}

/// Maps a client address to a location. Implemented by StepUpGeo's readers (MaxMind DB, range lists);
/// the core only asks, so it stays free of files and databases.
public protocol GeoLocator: Sendable {
    /// `nil` when the address is unparseable or not in the source.
    func locate(_ ip: String) -> GeoLocation?
}

/// Tries each locator in order and merges answers: the first country wins, and coordinates come from the first
/// locator that has them for the same country (so a city database can refine a country range list).
public struct ChainedGeoLocator: GeoLocator {
    public var locators: [any GeoLocator]

    public init(_ locators: [any GeoLocator]) {
        self.locators = locators
    }

    public func locate(_ ip: String) -> GeoLocation? {
        var result: GeoLocation?
        for locator in locators {
            guard let found = locator.locate(ip) else { continue }
            guard var merged = result else {
                result = found
                if found.country != nil, found.coordinates != nil { return found }
                continue
            }
            if merged.country == nil { merged.country = found.country }
            if merged.coordinates == nil, found.country == nil || found.country == merged.country,
               let coordinates = found.coordinates {
                merged.latitude = coordinates.latitude
                merged.longitude = coordinates.longitude
            }
            result = merged
        }
        return result
    }
}
