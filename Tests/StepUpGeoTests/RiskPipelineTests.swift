import Foundation
import StepUpCore
import StepUpGeo
import Testing

@Suite(.timeLimit(.minutes(5))) struct RiskPipelineTests {
    @Test func enrichesFromAnMMDBAndAppliesListsAndRules() throws {
        guard TestSupport.requireMMDBWriter() else { return }
        let reader = try TestSupport.mmdbReader("city")
        let lists = ReputationLists(lists: ["tor_exits": try CIDRSet(parsing: ["2.125.160.216/30"])])
        let enricher = RiskContextEnricher(locator: reader, lists: lists,
                                           classifier: NetworkClassifier(settings: .default))
        let now = Date(timeIntervalSince1970: 1_780_000_000)
        let london = RiskHistory().recording(RiskEvent(time: now.addingTimeInterval(-900), country: "GB",
                                                       latitude: 51.5142, longitude: -0.0931, deviceID: "d"))
        let pipeline = RiskPipeline(enricher: enricher)
        let (context, assessment) = pipeline.assess(
            RequestContext(ip: "2.125.160.217", deviceID: "d"), settings: .default, device: .known,
            history: london, counters: RiskCounters(), sessionUserAgent: nil, now: now)
        #expect(context.country == "FR")
        #expect(context.latitude == 48.8566)
        #expect(assessment.signals.map(\.name) == ["new_country", "impossible_travel", "ip_reputation"])
        #expect(assessment.signals[0].evidence == "first sign-in from FR; last from GB 15 min ago, 340 km")

        let trusting = RiskPipeline(enricher: enricher, addressRules: AddressRuleSet(rules: [
            AddressRule(cidr: "2.125.160.0/24", verdict: .trusted, createdAt: now),
        ]))
        let trusted = trusting.assess(RequestContext(ip: "2.125.160.217", deviceID: "d", country: "GB"),
                                      settings: .default, device: .known, history: london,
                                      counters: RiskCounters(), sessionUserAgent: nil, now: now)
        // A trusted CDN header wins over GeoIP for the country; coordinates of another country are not mixed in.
        #expect(trusted.context.country == "GB")
        #expect(trusted.context.latitude == nil)
        #expect(trusted.assessment == .none)
    }
}
