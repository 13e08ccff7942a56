import Foundation
import StepUpCore

/// The in-memory half of a decision's risk step, in one call: GeoIP enrichment, list hits, admin address rules,
/// then ``RiskEngine``. The server does the storage half (device record, history blob, failure counters)
/// before calling it.
///
/// ```swift
/// let (context, assessment) = pipeline.assess(
///     request.context, settings: policy.risk, device: DeviceStatus(deviceID: id, record: record, now: now),
///     history: RiskHistory.decoded(blob), counters: counters, sessionUserAgent: session.userAgent, now: now)
/// ```
public struct RiskPipeline: Sendable {
    public var engine: RiskEngine
    public var enricher: RiskContextEnricher
    public var addressRules: AddressRuleSet

    public init(enricher: RiskContextEnricher, addressRules: AddressRuleSet = AddressRuleSet(rules: []),
                engine: RiskEngine = RiskEngine()) {
        self.engine = engine
        self.enricher = enricher
        self.addressRules = addressRules
    }

    /// Returns the enriched context (keep it for the audit event and for learning) and the assessment.
    public func assess(_ context: RequestContext, settings: RiskSettings, device: DeviceStatus,
                       history: RiskHistory, counters: RiskCounters, sessionUserAgent: String?,
                       now: Date) -> (context: RequestContext, assessment: RiskAssessment) {
        let enriched = enricher.enrich(context)
        let hits = enricher.listHits(for: enriched.ip)
        let input = RiskInput(context: enriched, now: now, device: device, history: history, counters: counters,
                              reputationHits: hits.reputation, anonymizingHits: hits.anonymizing,
                              sessionUserAgent: sessionUserAgent,
                              addressTrusted: addressRules.verdict(for: enriched.ip) == .trusted)
        return (enriched, engine.assess(input, settings: settings))
    }
}
