import Foundation

/// What StepUp remembers about a user's sign-ins, to tell the usual from the unusual.
///
/// Bounded by construction: ``recording(_:caps:)`` keeps the last N countries, locations and devices and
/// halves the hour histogram when it grows large, so a user's blob stays a few kilobytes forever.
public struct RiskHistory: Sendable, Hashable, Codable {
    /// A country the user signed in from.
    public struct Country: Sendable, Hashable, Codable {
        public var code: String
        public var firstSeen: Date
        public var lastSeen: Date
    }

    /// A successful sign-in or step-up, with where it came from.
    public struct SignIn: Sendable, Hashable, Codable {
        public var time: Date
        public var ip: String?
        public var country: String?
        public var latitude: Double?
        public var longitude: Double?
    }

    /// A device the user signed in with.
    public struct Device: Sendable, Hashable, Codable {
        public var id: String
        public var lastSeen: Date
    }

    /// Format version of the blob.
    public var version: Int
    /// Least recently seen first.
    public var countries: [Country]
    /// Oldest first.
    public var signIns: [SignIn]
    /// Least recently seen first.
    public var devices: [Device]
    /// Sign-ins per UTC hour of day (24 buckets).
    public var hours: [Int]

    public init(countries: [Country] = [], signIns: [SignIn] = [], devices: [Device] = [], hours: [Int] = []) {
        self.version = 1
        self.countries = countries
        self.signIns = signIns
        self.devices = devices
        self.hours = hours.count == 24 ? hours : Array(repeating: 0, count: 24)
    }

    /// Number of sign-ins the hour histogram has learned from (after halving, a weighted count).
    public var hourTotal: Int { hours.reduce(0, +) }

    public func knowsCountry(_ code: String) -> Bool {
        countries.contains { Self.sameIgnoringCase($0.code, code) }
    }

    /// Country codes are ASCII: compared byte by byte, folding A–Z (Foundation's case-insensitive comparison,
    /// which costs a locale-aware pass, only for anything else).
    static func sameIgnoringCase(_ a: String, _ b: String) -> Bool {
        guard a.utf8.allSatisfy({ $0 < 0x80 }), b.utf8.allSatisfy({ $0 < 0x80 }) else {
            return a.caseInsensitiveCompare(b) == .orderedSame
        }
        func folded(_ byte: UInt8) -> UInt8 { byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte }
        return a.utf8.elementsEqual(b.utf8) { folded($0) == folded($1) }
    }

    public func knowsDevice(_ id: String) -> Bool { devices.contains { $0.id == id } }

    /// The latest sign-in whose coordinates are known.
    public var lastLocated: SignIn? { signIns.last { $0.latitude != nil && $0.longitude != nil } }

    /// The latest sign-in with a known country.
    public var lastWithCountry: SignIn? { signIns.last { $0.country != nil } }
}
