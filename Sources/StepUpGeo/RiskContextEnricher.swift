import Foundation
import StepUpCore

/// Fills in what the server gathers before an assessment: location from GeoIP (unless a trusted header already
/// gave a country) and list hits. One call per decision; everything here is in memory.
///
/// ```swift
/// let enricher = RiskContextEnricher(locator: reader, lists: lists, classifier: NetworkClassifier(settings: risk))
/// let context = enricher.enrich(request.context)
/// let hits = enricher.listHits(for: context.ip)
/// ```
public struct RiskContextEnricher: Sendable {
    public var locator: (any GeoLocator)?
    public var lists: ReputationLists
    public var classifier: NetworkClassifier

    public init(locator: (any GeoLocator)?, lists: ReputationLists, classifier: NetworkClassifier) {
        self.locator = locator
        self.lists = lists
        self.classifier = classifier
    }

    /// The context with country and coordinates from the locator where the caller left them empty.
    /// A country already present (from a trusted CDN header) is kept; coordinates are only taken when they
    /// belong to that same country.
    public func enrich(_ context: RequestContext) -> RequestContext {
        guard let ip = context.ip, let found = locator?.locate(ip) else { return context }
        var result = context
        if result.country == nil { result.country = found.country }
        if result.latitude == nil || result.longitude == nil, let coordinates = found.coordinates,
           found.country == nil || found.country == result.country {
            result.latitude = coordinates.latitude
            result.longitude = coordinates.longitude
        }
        return result
    }

    /// Reputation and anonymising-network list names containing the address.
    public func listHits(for ip: String?) -> (reputation: [String], anonymizing: [String]) {
        guard let ip, let address = IPAddress(ip) else { return ([], []) }
        return classifier.classify(address, lists: lists)
    }
}
