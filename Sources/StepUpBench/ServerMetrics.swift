import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// One scrape of the server's `/metrics`: every sample by its series (`name{labels}`), so a gauge the server does
/// not export yet is simply absent and the bench prints `n/a` for what depends on it.
struct ServerMetrics: Sendable {
    private let samples: [String: Double]

    init(exposition: String) {
        var samples: [String: Double] = [:]
        for line in exposition.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else {
                continue
            }
            samples[String(line[..<space])] = value
        }
        self.samples = samples
    }

    static func scrape(base: String, token: String) async throws -> ServerMetrics {
        var request = HTTPClientRequest(url: base + "/metrics")
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        return ServerMetrics(exposition: String(buffer: try await response.body.collect(upTo: 1 << 22)))
    }

    subscript(series: String) -> Double? { samples[series] }

    /// Units of work handed to the database so far (`stepup_store_round_trips`), 0 when not exported.
    var roundTrips: (reads: Int, writes: Int) {
        (Int(self[#"stepup_store_round_trips{access="read"}"#] ?? 0),
         Int(self[#"stepup_store_round_trips{access="write"}"#] ?? 0))
    }

    /// Hashes the hashing pool's catch-up thread has taken up (`stepup_password_hash_catch_ups_total`), 0 when not
    /// exported.
    var hashesCaughtUp: Double { self["stepup_password_hash_catch_ups_total"] ?? 0 }

    /// Transactions the store has committed so far (`stepup_store_commits_total`), if exported.
    var commits: Double? { self["stepup_store_commits_total"] }

    /// SQLite's `synchronous` setting as the store reports it (`stepup_store_synchronous{mode=…} 1`), if exported.
    var synchronousMode: String? {
        ["full", "normal", "extra", "off"].first { self[#"stepup_store_synchronous{mode="\#($0)"}"#] == 1 }
    }
}
