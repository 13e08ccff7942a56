import Foundation
import StepUpCore
import StepUpGeo
import StepUpTestSupport
import Testing

/// Real data: tor-geoipdb's country ranges, checked against Python's `ipaddress` reading the same files.
@Suite(.ownThread, .timeLimit(.minutes(5))) struct TorGeoIPTests {
    static let locator: CountryRangeLocator? = try? CountryRangeLocator(
        files: [TestSupport.torGeoIP, TestSupport.torGeoIP6]
    )

    @Test func wellKnownAddresses() throws {
        guard TestSupport.requireTorGeoIP() else { return }
        let locator = try #require(Self.locator)
        #expect(locator.table.count > 100_000)
        #expect(locator.locate("8.8.8.8")?.country == "US")
        #expect(locator.locate("193.0.6.139")?.country == "NL")   // RIPE NCC, Amsterdam
        #expect(locator.locate("81.2.69.160")?.country == "GB")
        #expect(locator.locate("::ffff:8.8.8.8")?.country == "US")
        #expect(locator.locate("10.0.0.1") == nil)
        #expect(locator.locate("127.0.0.1") == nil)
    }

    @Test func agreesWithPythonOnSampledAddresses() throws {
        guard TestSupport.requireTorGeoIP() else { return }
        let locator = try #require(Self.locator)
        // Python picks addresses inside every 97th range (first, last, middle) and prints "address,CC".
        let script = """
        import ipaddress
        for name, v6 in (("\(TestSupport.torGeoIP)", False), ("\(TestSupport.torGeoIP6)", True)):
            rows = [l.strip().split(",") for l in open(name) if l.strip() and not l.startswith("#")]
            for i, (lo, hi, cc) in enumerate(rows):
                if i % 97 or cc == "??":
                    continue
                lo = int(ipaddress.ip_address(lo)) if v6 else int(lo)
                hi = int(ipaddress.ip_address(hi)) if v6 else int(hi)
                for n in (lo, hi, (lo + hi) // 2):
                    a = ipaddress.IPv6Address(n) if v6 else ipaddress.IPv4Address(n)
                    print(f"{a},{cc}")
        """
        let result = try TestSupport.run("python3", ["-c", script])
        try #require(result.status == 0)
        var checked = 0
        for line in result.output.split(separator: "\n") {
            let parts = line.split(separator: ",")
            guard parts.count == 2 else { continue }
            #expect(locator.locate(String(parts[0]))?.country == String(parts[1]), "\(parts[0])")
            checked += 1
        }
        #expect(checked > 10_000)
    }
}
