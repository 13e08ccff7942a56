import Foundation
import Yams

/// `anonymizing_network.networks` and `ip_reputation.lists` name things outside the risk section. A name nobody
/// defines used to be ignored, so a typo silently switched a signal off; every name must now resolve.
///
/// - `networks`: a CIDR block or address; a top-level `networks:` name (expanded to its blocks, since the
///   server's classifier knows only blocks and list names); or a configured reputation list.
/// - `lists`: a configured reputation list only (blocks and networks there would never match anything).
///
/// When the configured list names are unknown (`reputationLists == nil`, e.g. `stepup policy check` without
/// `--config`), a name that is not a block or network is an error that says to pass `--config`: an unchecked
/// name must not pass silently.
extension PolicyParser {
    /// Signal parameters whose items name networks or reputation lists.
    static func namesLists(signal: String, parameter: String) -> Bool {
        (signal == "anonymizing_network" && parameter == "networks")
            || (signal == "ip_reputation" && parameter == "lists")
    }

    mutating func parseListNames(_ node: Node, signal: String, parameter: String) -> AttributeValue? {
        let what = "\(signal).\(parameter)"
        guard let items = reader.strings(node, what) else { return nil }
        var values: [AttributeValue] = []
        var valid = true
        for (name, itemNode) in items {
            let acceptsNetworks = parameter == "networks"
            if let resolved = resolveListName(name, at: itemNode, what: what, acceptsNetworks: acceptsNetworks) {
                values += resolved
            } else {
                valid = false
            }
        }
        return valid ? .list(values) : nil
    }

    private mutating func resolveListName(
        _ name: String, at node: Node, what: String, acceptsNetworks: Bool
    ) -> [AttributeValue]? {
        let isList = reputationLists?.contains(name) ?? false
        let named = networks[name]
        if named != nil || CIDR(name) != nil {
            guard acceptsNetworks else {
                reader.error(node, "\(what) names reputation lists, and '\(name)' is a network; "
                    + "put it in anonymizing_network.networks or in a rule's 'network' condition instead")
                return nil
            }
            if let named {
                guard !isList else {
                    reader.error(node, "'\(name)' in \(what) is both a network under 'networks' and a reputation "
                        + "list; rename one of them")
                    return nil
                }
                usedNetworks.insert(name)
                return named.map { .string($0.description) }
            }
            return [.string(name)]
        }
        if isList { return [.string(name)] }
        let kinds = acceptsNetworks ? "neither a CIDR network, nor a network under 'networks', nor" : "not"
        guard let reputationLists else {
            reader.error(node, "'\(name)' in \(what) is \(kinds) a known reputation list; if it is one of "
                + "network.reputation_lists, pass --config with the server configuration so its names are known")
            return nil
        }
        let known = reputationLists.isEmpty ? "none are configured in network.reputation_lists"
            : "lists: " + reputationLists.sorted().joined(separator: ", ")
        reader.error(node, "'\(name)' in \(what) is \(kinds) a reputation list (\(known))")
        return nil
    }
}
