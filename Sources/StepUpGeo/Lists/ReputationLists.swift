import Foundation
import Synchronization

/// Named address lists (Tor exits, hosting ranges, blocklists, …) loaded from CIDR-per-line files and
/// reloadable while the server runs.
///
/// A reload reads every file first and then swaps the whole set in one step, so a lookup sees either the old
/// lists or the new ones, never a mix. A file that fails to load keeps its previous contents and is reported.
///
/// ```swift
/// let lists = ReputationLists(sources: [.init(name: "tor_exits", path: "/var/lib/stepup/tor-exits.txt")])
/// let report = lists.reload()        // at start-up, then on SIGHUP or a timer
/// lists.hits(for: address)           // ["tor_exits"]
/// ```
public final class ReputationLists: Sendable {
    /// A list's name (used in the policy's `risk:` section and in evidence) and the file it comes from.
    public struct Source: Sendable, Hashable {
        public var name: String
        public var path: String

        public init(name: String, path: String) {
            self.name = name
            self.path = path
        }
    }

    /// What a reload did.
    public struct ReloadReport: Sendable, Hashable {
        /// Ranges (after merging) per list that loaded.
        public var loaded: [String: Int]
        /// Errors per list that kept its previous contents.
        public var failed: [String: String]
    }

    public let sources: [Source]
    private let current: Mutex<[String: CIDRSet]>

    /// Lists to be read from files by ``reload()``; empty until then.
    public init(sources: [Source]) {
        self.sources = sources
        self.current = Mutex([:])
    }

    /// Fixed in-memory lists (tests, admin-defined ranges); ``reload()`` leaves them alone.
    public init(lists: [String: CIDRSet]) {
        self.sources = []
        self.current = Mutex(lists)
    }

    /// Re-reads every source file and swaps the new lists in atomically.
    @discardableResult
    public func reload() -> ReloadReport {
        var fresh: [String: CIDRSet] = [:]
        var report = ReloadReport(loaded: [:], failed: [:])
        for source in sources {
            do throws(GeoError) {
                let text = try FileText.read(source.path)
                let set = CIDRSet(try RangeListParser.cidrList(text, source: source.path))
                fresh[source.name] = set
                report.loaded[source.name] = set.rangeCount
            } catch {
                report.failed[source.name] = error.reason
            }
        }
        current.withLock { lists in
            for (name, set) in fresh { lists[name] = set }
        }
        return report
    }

    /// Replaces (or adds) one list, e.g. after an admin edits a range list in the UI.
    public func replace(_ name: String, with set: CIDRSet) {
        current.withLock { $0[name] = set }
    }

    /// The current lists.
    public var lists: [String: CIDRSet] { current.withLock { $0 } }

    /// Names of the lists containing the address, sorted.
    public func hits(for address: IPAddress) -> [String] {
        let snapshot = lists
        return snapshot.compactMap { $0.value.contains(address) ? $0.key : nil }.sorted()
    }

    public func hits(for text: String) -> [String] {
        guard let address = IPAddress(text) else { return [] }
        return hits(for: address)
    }
}
