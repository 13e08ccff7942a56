import Foundation
import StepUpCore

extension RiskBenchmark {
    /// A country lookup function for the source, the source as a locator, and a description for `source=`.
    func load() throws(GeoError)
        -> (lookup: @Sendable (IPAddress) -> String?, locator: any GeoLocator, description: String) {
        switch source {
        case .mmdb(let path):
            let reader = try MMDBReader(path: path)
            return ({ reader.location(of: $0)?.country }, reader,
                    "mmdb \(path) (\(reader.metadata.databaseType), \(reader.metadata.nodeCount) nodes)")
        case .rangeFiles(let paths):
            let locator = try CountryRangeLocator(files: paths)
            return ({ locator.country(of: $0) }, locator,
                    "ranges \(paths.joined(separator: ",")) (\(locator.table.count) ranges)")
        case .synthetic(let count):
            var generator = SplitMix64(seed: 5)
            let starts = (0..<max(1, count)).map { _ in UInt32(truncatingIfNeeded: generator.next()) }.sorted()
            let rows = starts.map { (IPAddress(v4: $0), IPAddress(v4: $0 | 0xFF), "ZZ") }
            let table = IPRangeTable(rows)
            let lookup: @Sendable (IPAddress) -> String? = { table.value(for: $0) }
            return (lookup, BenchLocator(lookup: lookup), "synthetic (\(table.count) random /24 ranges)")
        }
    }

    /// Seconds taken by `body`; its result is kept so the work cannot be optimised away.
    static func time(_ body: () throws(GeoError) -> Int) rethrows -> Double {
        let clock = ContinuousClock()
        var sink = 0
        let elapsed = try clock.measure { sink = try body() }
        if sink == Int.min { print("") }
        let parts = elapsed.components
        return max(1e-9, Double(parts.seconds) + Double(parts.attoseconds) * 1e-18)
    }

    /// Random public-looking IPv4 addresses from a fixed seed.
    static func addresses(count: Int) -> [IPAddress] {
        var generator = SplitMix64(seed: 1)
        return (0..<count).map { _ in IPAddress(v4: UInt32(truncatingIfNeeded: generator.next())) }
    }

    /// Enrichment (GeoIP, list hits) plus assessment of a realistic request against a full history.
    func assessmentTime(addresses: [IPAddress], locator: any GeoLocator) -> Double {
        let start = Date(timeIntervalSince1970: 1_780_000_000)
        var history = RiskHistory()
        for day in 0..<60 {
            history = history.recording(RiskEvent(
                time: start.addingTimeInterval(Double(day) * 86400 + Double(day % 9) * 3600),
                ip: "198.51.100.\(day)", country: ["US", "CA", "GB", "FR", "DE"][day % 5],
                latitude: 42.36, longitude: -71.06, deviceID: "device-\(day % 12)"))
        }
        let lists = ReputationLists(lists: [
            "tor_exits": CIDRSet((0..<2000).compactMap { CIDR(address: addresses[$0], prefixLength: 32) }),
            "hosting": CIDRSet((2000..<3000).compactMap { CIDR(address: addresses[$0], prefixLength: 20) }),
        ])
        var settings = RiskSettings()
        settings.signals["anonymizing_network"] = SignalSettings(
            weight: 40, parameters: ["networks": .list([.string("hosting")])]
        )
        let classifier = NetworkClassifier(settings: settings)
        let enricher = RiskContextEnricher(locator: locator, lists: lists, classifier: classifier)
        let pipeline = RiskPipeline(enricher: enricher)
        let now = start.addingTimeInterval(61 * 86400)
        let agents = ["Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0", "curl/8.5.0"]
        return Self.time {
            var score = 0
            for index in 0..<assessments {
                let context = RequestContext(ip: addresses[index & 0xFFFF].description, userAgent: agents[index & 1],
                                             deviceID: "device-\(index % 16)", time: now)
                let counters = RiskCounters(userFailures: index % 7, addressFailures: index % 11,
                                            distinctUsernames: index % 13)
                let (_, assessment) = pipeline.assess(context, settings: settings,
                                                      device: index % 3 == 0 ? .new : .known, history: history,
                                                      counters: counters, sessionUserAgent: agents[0], now: now)
                score &+= Int(assessment.score)
            }
            return score
        }
    }
}

/// Adapts a lookup closure to ``GeoLocator``.
struct BenchLocator: GeoLocator {
    let lookup: @Sendable (IPAddress) -> String?

    func locate(_ ip: String) -> GeoLocation? {
        guard let address = IPAddress(ip), let country = lookup(address) else { return nil }
        return GeoLocation(country: country)
    }
}

