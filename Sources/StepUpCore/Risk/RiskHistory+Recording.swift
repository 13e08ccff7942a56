import Foundation

/// A successful sign-in or step-up (or a "this was me" confirmation) to learn from.
public struct RiskEvent: Sendable, Hashable {
    public var time: Date
    public var ip: String?
    public var country: String?
    public var latitude: Double?
    public var longitude: Double?
    public var deviceID: String?

    public init(time: Date, ip: String? = nil, country: String? = nil, latitude: Double? = nil,
                longitude: Double? = nil, deviceID: String? = nil) {
        self.time = time
        self.ip = ip
        self.country = country
        self.latitude = latitude
        self.longitude = longitude
        self.deviceID = deviceID
    }

    /// The event of a request, taking address, place, device and time from its context.
    public init(context: RequestContext, now: Date) {
        self.init(time: context.time ?? now, ip: context.ip, country: context.country,
                  latitude: context.latitude, longitude: context.longitude, deviceID: context.deviceID)
    }
}

extension RiskHistory {
    /// How much history to keep.
    public struct Caps: Sendable, Hashable {
        public var countries: Int
        public var signIns: Int
        public var devices: Int
        /// When the hour histogram's total exceeds this, every bucket is halved (old habits fade).
        public var hourTotal: Int

        public init(countries: Int = 20, signIns: Int = 10, devices: Int = 20, hourTotal: Int = 500) {
            self.countries = max(1, countries)
            self.signIns = max(1, signIns)
            self.devices = max(1, devices)
            self.hourTotal = max(24, hourTotal)
        }

        public static let `default` = Caps()
    }

    /// The history with one more successful event learned; pure, so the server decides when to save it.
    public func recording(_ event: RiskEvent, caps: Caps = .default) -> RiskHistory {
        var next = self
        if let code = event.country?.uppercased(), !code.isEmpty {
            if let index = next.countries.firstIndex(where: { $0.code == code }) {
                var country = next.countries.remove(at: index)
                country.lastSeen = max(country.lastSeen, event.time)
                next.countries.append(country)
            } else {
                next.countries.append(Country(code: code, firstSeen: event.time, lastSeen: event.time))
            }
            next.countries = Array(next.countries.suffix(caps.countries))
        }
        if let id = event.deviceID, !id.isEmpty {
            next.devices.removeAll { $0.id == id }
            next.devices.append(Device(id: String(id.prefix(128)), lastSeen: event.time))
            next.devices = Array(next.devices.suffix(caps.devices))
        }
        let signIn = SignIn(time: event.time, ip: event.ip.map { String($0.prefix(64)) },
                            country: event.country?.uppercased(), latitude: event.latitude,
                            longitude: event.longitude)
        next.signIns.append(signIn)
        next.signIns.sort { $0.time < $1.time }
        next.signIns = Array(next.signIns.suffix(caps.signIns))
        if next.hours.count != 24 { next.hours = Array(repeating: 0, count: 24) }
        next.hours[RiskHistory.utcHour(event.time)] += 1
        if next.hourTotal > caps.hourTotal { next.hours = next.hours.map { $0 / 2 } }
        return next
    }

    /// Hour of day in UTC, 0–23, without calendars (fast and time-zone-free).
    static func utcHour(_ date: Date) -> Int {
        let seconds = date.timeIntervalSince1970
        guard seconds.isFinite else { return 0 }
        let hours = (seconds / 3600).rounded(.down).truncatingRemainder(dividingBy: 24)
        return (Int(hours) + 24) % 24
    }
}

extension RiskHistory {
    /// The blob kept by ``RiskHistoryStore``.
    public func encoded() -> Data {
        (try? JSONEncoder().encode(self)) ?? Data()
    }

    /// Decodes a stored blob; a missing or unreadable blob is an empty history (everything looks new, which
    /// errs on the side of asking).
    public static func decoded(_ data: Data?) -> RiskHistory {
        guard let data, var history = try? JSONDecoder().decode(RiskHistory.self, from: data) else {
            return RiskHistory()
        }
        if history.hours.count != 24 { history.hours = Array(repeating: 0, count: 24) }
        return history
    }
}
