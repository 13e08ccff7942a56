import ArgumentParser
import Foundation
import StepUpGeo

/// `stepup bench risk`: GeoIP lookups per second and the time of one risk assessment (storage excluded).
struct BenchRiskCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "risk",
        abstract: "Measure GeoIP lookups per second and risk assessment time; prints name=value lines.",
        discussion: """
        The lookup source is, in order: --mmdb FILE, --ranges FILE…, tor-geoipdb's /usr/share/tor/geoip and \
        geoip6 when installed, else synthetic random ranges. Build with -c release for meaningful numbers.
        """
    )

    @Option(help: "A MaxMind DB (.mmdb) file to look addresses up in.")
    var mmdb: String?

    @Option(parsing: .upToNextOption, help: "Range CSV files (tor-geoipdb format) to look addresses up in.")
    var ranges: [String] = []

    @Option(help: "Number of GeoIP lookups to time.")
    var lookups: Int = 5_000_000

    @Option(help: "Number of assessments to time.")
    var assessments: Int = 200_000

    func validate() throws {
        guard lookups > 0, assessments > 0 else {
            throw ValidationError("--lookups and --assessments must be positive")
        }
    }

    func run() async throws {
        let benchmark = RiskBenchmark(source: source, lookups: lookups, assessments: assessments)
        for line in try benchmark.run().lines { print(line) }
    }

    private var source: RiskBenchmark.Source {
        if let mmdb { return .mmdb(path: mmdb) }
        if !ranges.isEmpty { return .rangeFiles(ranges) }
        let tor = ["/usr/share/tor/geoip", "/usr/share/tor/geoip6"]
        if tor.allSatisfy(FileManager.default.fileExists(atPath:)) { return .rangeFiles(tor) }
        return .synthetic(ranges: 300_000)
    }
}
