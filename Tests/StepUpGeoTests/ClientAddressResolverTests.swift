import StepUpCore
import StepUpGeo
import Testing

@Suite(.timeLimit(.minutes(5))) struct ClientAddressResolverTests {
    let resolver = try! ClientAddressResolver(
        trustedProxies: ["10.0.0.0/8", "2001:db8:ffff::/48", "127.0.0.1"], countryHeader: "CF-IPCountry"
    )

    @Test func forgedForwardedForFromUntrustedPeerIsIgnored() {
        let client = resolver.resolve(peer: "203.0.113.50", forwardedFor: ["1.2.3.4"], country: "FR")
        #expect(client.ip == "203.0.113.50")
        #expect(client.country == nil)
        #expect(!client.forwarded)
    }

    @Test func trustedProxyChainIsWalkedRightToLeft() {
        // The client forged "6.6.6.6"; the real client is the first untrusted hop from the right.
        let client = resolver.resolve(peer: "10.0.0.5", forwardedFor: ["6.6.6.6, 198.51.100.7", "10.1.1.1"],
                                      country: "fr")
        #expect(client.ip == "198.51.100.7")
        #expect(client.country == "FR")
        #expect(client.forwarded)
    }

    @Test func allTrustedHopsYieldTheLeftmost() {
        let client = resolver.resolve(peer: "127.0.0.1", forwardedFor: ["10.9.9.9, 10.0.0.1"])
        #expect(client.ip == "10.9.9.9")
    }

    @Test func portsBracketsAndMappedPeers() {
        #expect(resolver.resolve(peer: "[2001:db8:ffff::1]:443", forwardedFor: ["[2001:db8::7]:5555"]).ip
                == "2001:db8::7")
        #expect(resolver.resolve(peer: "::ffff:10.0.0.2", forwardedFor: ["198.51.100.7:8080"]).ip == "198.51.100.7")
        #expect(resolver.resolve(peer: "10.0.0.2").ip == "10.0.0.2")
    }

    @Test func garbageInTheChainStopsAtTheLastGoodHop() {
        let client = resolver.resolve(peer: "10.0.0.5", forwardedFor: ["198.51.100.7, unknown, 10.0.0.6"])
        #expect(client.ip == "10.0.0.6")
        #expect(resolver.resolve(peer: "not an address").address == nil)
    }

    @Test func countryHeaderNeedsConfigurationAndAValidCode() throws {
        #expect(resolver.resolve(peer: "10.0.0.5", country: "XX").country == nil)
        #expect(resolver.resolve(peer: "10.0.0.5", country: "T1").country == nil)
        #expect(resolver.resolve(peer: "10.0.0.5", country: "FRA").country == nil)
        let noHeader = try ClientAddressResolver(trustedProxies: ["10.0.0.0/8"])
        #expect(noHeader.resolve(peer: "10.0.0.5", country: "FR").country == nil)
    }

    @Test func hugeChainsAreCut() {
        let chain = Array(repeating: "10.0.0.1", count: 5000).joined(separator: ",")
        #expect(resolver.resolve(peer: "10.0.0.5", forwardedFor: ["198.51.100.1," + chain]).ip == "10.0.0.1")
    }
}
