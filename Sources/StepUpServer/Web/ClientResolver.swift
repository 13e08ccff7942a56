import Foundation
import HTTPTypes

/// Finds the client's address: the socket peer, or — only when the peer is a trusted proxy — the address it
/// reports in `X-Forwarded-For` (and the country in a configured header).
struct ClientResolver: Sendable {
    var trustedProxies: Set<String>
    var countryHeader: HTTPField.Name?

    func resolve(peer: String?, headers: HTTPFields) -> (ip: String?, country: String?) {
        guard let peer, trustedProxies.contains(peer) else { return (peer, nil) }
        var address = peer
        if let forwarded = headers[.init("X-Forwarded-For")!] {
            let hops = forwarded.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            // Walk from the nearest hop; the first address that is not a trusted proxy is the client.
            for hop in hops.reversed() where !hop.isEmpty {
                address = hop
                if !trustedProxies.contains(hop) { break }
            }
        }
        let country = countryHeader.flatMap { headers[$0] }.map { String($0.prefix(2)).uppercased() }
        return (address, country)
    }
}
