import StepUpCore

/// Splits an address's list hits into the two risk inputs, following the policy's `risk:` section:
///
/// - `anonymizing_network.networks`: names of lists (hosting providers, VPN exits, …) and/or CIDR blocks
///   written inline; hits become ``RiskInput/anonymizingHits``.
/// - `ip_reputation.lists`: names of lists that count as reputation lists; when absent, every loaded list
///   not named in `networks` counts. Hits become ``RiskInput/reputationHits``.
public struct NetworkClassifier: Sendable {
    public let reputationLists: [String]?
    public let anonymizingLists: Set<String>
    /// Inline CIDR blocks from `networks`.
    public let anonymizingBlocks: CIDRSet

    /// Reads the two parameters; entries of `networks` that parse as CIDR are inline blocks, the rest list names.
    public init(settings: RiskSettings) {
        reputationLists = settings.strings("lists", of: "ip_reputation")
        var names: Set<String> = []
        var blocks: [CIDR] = []
        for entry in settings.strings("networks", of: "anonymizing_network") ?? [] {
            if let block = CIDR(entry) { blocks.append(block) } else { names.insert(entry) }
        }
        anonymizingLists = names
        anonymizingBlocks = CIDRSet(blocks)
    }

    /// The list hits for an address.
    public func classify(_ address: IPAddress, lists: ReputationLists)
        -> (reputation: [String], anonymizing: [String]) {
        let hits = lists.hits(for: address)
        var anonymizing = hits.filter { anonymizingLists.contains($0) }
        if anonymizingBlocks.contains(address) { anonymizing.append("networks") }
        let reputation: [String]
        if let allowed = reputationLists {
            reputation = hits.filter { allowed.contains($0) }
        } else {
            reputation = hits.filter { !anonymizingLists.contains($0) }
        }
        return (reputation, anonymizing)
    }
}
