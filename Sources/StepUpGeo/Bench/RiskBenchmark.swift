import Foundation
import StepUpCore

/// Measures the two numbers issue 5 sets targets for: GeoIP lookups per second on one core (≥ 1,000,000)
/// and the time of one full assessment without storage (≤ 20 µs). `stepup bench risk` prints the result.
///
/// Inputs are generated from a fixed seed, so runs are comparable.
public struct RiskBenchmark: Sendable {
    /// Where lookups are answered from.
    public enum Source: Sendable {
        /// A MaxMind DB file.
        case mmdb(path: String)
        /// Range CSV files such as tor-geoipdb's `/usr/share/tor/geoip` and `geoip6`.
        case rangeFiles([String])
        /// Random ranges, when no data is installed.
        case synthetic(ranges: Int)
    }

    public struct Result: Sendable {
        /// Human description of the lookup source.
        public var source: String
        public var lookups: Int
        public var lookupsPerSecond: Double
        /// Share of the random addresses the source had a country for (a miss can be cheaper than a hit).
        public var hitRatio: Double
        public var assessments: Int
        /// Mean time of enrich (GeoIP + list hits) plus assess, in microseconds.
        public var assessmentMicroseconds: Double

        /// The `name=value` lines `stepup bench risk` prints.
        public var lines: [String] {
            [
                "source=\(source)",
                "geoip_lookups=\(lookups)",
                "geoip_lookups_per_second=\(Int(lookupsPerSecond))",
                "geoip_hit_ratio=\(String(format: "%.3f", hitRatio))",
                "assessments=\(assessments)",
                "assessment_microseconds=\(String(format: "%.2f", assessmentMicroseconds))",
            ]
        }
    }

    public var source: Source
    public var lookups: Int
    public var assessments: Int

    public init(source: Source, lookups: Int = 5_000_000, assessments: Int = 200_000) {
        self.source = source
        self.lookups = max(1, lookups)
        self.assessments = max(1, assessments)
    }

    /// Loads the source and runs both measurements on the calling thread.
    public func run() throws(GeoError) -> Result {
        let (lookup, locator, description) = try load()
        let addresses = Self.addresses(count: 1 << 16)
        var found = 0
        let lookupTime = Self.time {
            for index in 0..<lookups where lookup(addresses[index & 0xFFFF]) != nil { found &+= 1 }
            return found
        }
        let assessTime = assessmentTime(addresses: addresses, locator: locator)
        return Result(source: description, lookups: lookups, lookupsPerSecond: Double(lookups) / lookupTime,
                      hitRatio: Double(found) / Double(lookups),
                      assessments: assessments, assessmentMicroseconds: assessTime * 1e6 / Double(assessments))
    }
}
