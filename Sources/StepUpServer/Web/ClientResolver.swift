import Foundation
import HTTPTypes
import StepUpGeo

/// Finds the client's address: the socket peer, or — only when the peer is a trusted proxy — the address it
/// reports in `X-Forwarded-For` (and the country in a configured header, e.g. `CF-IPCountry`).
struct ClientResolver: Sendable {
    let resolver: ClientAddressResolver
    let countryHeader: HTTPField.Name?

    init(trustedProxies: [String], countryHeader: String?) throws {
        resolver = try ClientAddressResolver(trustedProxies: trustedProxies, countryHeader: countryHeader)
        self.countryHeader = countryHeader.flatMap { HTTPField.Name($0) }
    }

    func isTrusted(peer: String) -> Bool { resolver.isTrusted(peer: peer) }

    func resolve(peer: String?, headers: HTTPFields) -> (ip: String?, country: String?) {
        guard let peer else { return (nil, nil) }
        let forwarded = headers[values: .xForwardedFor]
            .flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
        let client = resolver.resolve(peer: peer, forwardedFor: forwarded,
                                      country: countryHeader.flatMap { headers[$0] })
        return (client.ip ?? peer, client.country)
    }
}
