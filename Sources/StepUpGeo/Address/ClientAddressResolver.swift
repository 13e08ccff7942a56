/// Works out the client's address (and optionally country) from the socket peer and proxy headers.
///
/// `X-Forwarded-For` is believed only when the socket peer is a configured trusted proxy: anyone else can write
/// any address there. The chain is walked right to left, skipping trusted proxies; the first untrusted hop is
/// the client. A trusted country header (e.g. Cloudflare's `CF-IPCountry`) is likewise taken only from a
/// trusted peer.
///
/// ```swift
/// let resolver = try ClientAddressResolver(trustedProxies: ["10.0.0.0/8"], countryHeader: "CF-IPCountry")
/// let client = resolver.resolve(peer: "10.0.0.5", forwardedFor: ["203.0.113.7, 10.0.0.9"], country: "fr")
/// // client.address == 203.0.113.7, client.country == "FR"
/// ```
public struct ClientAddressResolver: Sendable {
    public var trustedProxies: CIDRSet
    /// Header name carrying a trusted country code; nil when none is configured.
    public var countryHeader: String?
    /// Most hops read from the chain; longer chains are cut, so a huge header cannot cost much.
    public var maxHops: Int = 32

    public init(trustedProxies: CIDRSet, countryHeader: String? = nil) {
        self.trustedProxies = trustedProxies
        self.countryHeader = countryHeader
    }

    /// Parses the trusted proxies as CIDR blocks or addresses.
    public init(trustedProxies: [String], countryHeader: String? = nil) throws(GeoError) {
        self.init(trustedProxies: try CIDRSet(parsing: trustedProxies), countryHeader: countryHeader)
    }

    /// The resolved client.
    public struct Client: Sendable, Hashable {
        /// Nil only when the peer address itself is unparseable.
        public var address: IPAddress?
        /// From the trusted country header, upper case; nil when absent, untrusted or not a country code.
        public var country: String?
        /// Whether the address came from `X-Forwarded-For` rather than the socket.
        public var forwarded: Bool

        public var ip: String? { address?.description }
    }

    /// - Parameters:
    ///   - peer: the socket's remote address (a port, brackets or `::ffff:` mapping are fine).
    ///   - forwardedFor: every `X-Forwarded-For` header value, in the order received.
    ///   - country: the value of ``countryHeader`` if the request carried it.
    public func resolve(peer: String, forwardedFor: [String] = [], country: String? = nil) -> Client {
        guard let peerAddress = Self.parseHop(peer) else { return Client(address: nil, country: nil, forwarded: false) }
        guard trustedProxies.contains(peerAddress) else {
            return Client(address: peerAddress, country: nil, forwarded: false)
        }
        let trustedCountry = countryHeader == nil ? nil : country.flatMap(Self.countryCode)
        let hops = forwardedFor.flatMap { $0.split(separator: ",") }.suffix(maxHops)
        var client = peerAddress
        for hop in hops.reversed() {
            // Garbage in the chain: stop at the last hop we could vouch for.
            guard let address = Self.parseHop(hop) else { break }
            client = address
            if !trustedProxies.contains(address) { break }
        }
        return Client(address: client, country: trustedCountry, forwarded: client != peerAddress)
    }

    /// Whether the socket peer is a configured trusted proxy (whose forwarding headers may be believed).
    public func isTrusted(peer: String) -> Bool {
        Self.parseHop(peer).map(trustedProxies.contains) ?? false
    }

    /// One hop: `1.2.3.4`, `1.2.3.4:5678`, `2001:db8::1`, `[2001:db8::1]:443`, with spaces and quotes.
    static func parseHop(_ text: some StringProtocol) -> IPAddress? {
        var hop = Substring(text.trimmingASCIIWhitespace())
        if hop.count >= 2, hop.first == "\"", hop.last == "\"" { hop = hop.dropFirst().dropLast() }
        if hop.first == "[" {
            guard let close = hop.firstIndex(of: "]") else { return nil }
            return IPAddress(hop[hop.index(after: hop.startIndex)..<close])
        }
        if hop.contains("."), let colon = hop.firstIndex(of: ":"), hop.filter({ $0 == ":" }).count == 1 {
            hop = hop[..<colon]
        }
        return IPAddress(hop)
    }

    /// Two ASCII letters, upper-cased; `XX` (unknown) and codes such as Cloudflare's `T1` (Tor) are not countries.
    static func countryCode(_ text: String) -> String? {
        let code = text.trimmingASCIIWhitespace().uppercased()
        guard code.count == 2, code.unicodeScalars.allSatisfy({ $0.value >= 65 && $0.value <= 90 }),
              code != "XX" else { return nil }
        return code
    }
}
