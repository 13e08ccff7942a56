import StepUpGeo
import Testing

@Suite(.timeLimit(.minutes(5))) struct RiskBenchmarkTests {
    @Test func printsTheRequiredLines() throws {
        let result = try RiskBenchmark(source: .synthetic(ranges: 1000), lookups: 20_000, assessments: 200).run()
        let names = result.lines.compactMap { $0.split(separator: "=").first.map(String.init) }
        #expect(names.contains("geoip_lookups_per_second"))
        #expect(names.contains("assessment_microseconds"))
        #expect(names.contains("source"))
        #expect(result.lookupsPerSecond > 0)
        #expect(result.assessmentMicroseconds > 0)
    }

    @Test func runsOnAGeneratedMMDB() throws {
        guard TestSupport.requireMMDBWriter() else { return }
        try TestSupport.withTemporaryDirectory { directory in
            let path = try TestSupport.writeMMDB("city", in: directory)
            let result = try RiskBenchmark(source: .mmdb(path: path), lookups: 10_000, assessments: 100).run()
            #expect(result.source.hasPrefix("mmdb "))
        }
    }
}
