import StepUpGeo
import Testing

@Suite(.timeLimit(.minutes(5))) struct IPAddressTests {
    @Test(arguments: [
        ("0.0.0.0", "0.0.0.0"), ("192.0.2.1", "192.0.2.1"), ("255.255.255.255", "255.255.255.255"),
        ("::", "::"), ("::1", "::1"), ("2001:DB8::1", "2001:db8::1"),
        ("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"), ("2001:0db8:0000:0000:0000:0000:0002:0001", "2001:db8::2:1"),
        ("fe80::1%eth0", "fe80::1"), ("1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"), ("1::", "1::"),
        ("2001:db8::0:1:0:0:0", "2001:db8:0:0:1::"), ("::2:3:4:5:6:7:8", "0:2:3:4:5:6:7:8"),
        ("64:ff9b::192.0.2.33", "64:ff9b::c000:221"),
    ])
    func parsesAndPrintsCanonically(input: String, canonical: String) throws {
        let address = try #require(IPAddress(input))
        #expect(address.description == canonical)
        #expect(IPAddress(canonical) == address)
    }

    @Test func mappedIPv4EqualsIPv4() throws {
        let plain = try #require(IPAddress("198.51.100.7"))
        #expect(IPAddress("::ffff:198.51.100.7") == plain)
        #expect(IPAddress("::ffff:c633:6407") == plain)
        #expect(plain.isV4)
        #expect(plain.v4Value == 0xC633_6407)
        #expect(IPAddress("::198.51.100.7")?.isV4 == false)
    }

    @Test(arguments: [
        "", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.-4", "1..3.4", " 1.2.3.4", "1.2.3.4 ",
        ":::", "1::2::3", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "12345::", ":1::", "1::2:", "g::1",
        "::1.2.3", "1.2.3.4::", "::ffff:1.2.3.4:5", "1:2:3:4:5:6:7::8", "[::1]", "localhost",
        String(repeating: "1", count: 60),
    ])
    func rejectsMalformed(input: String) {
        #expect(IPAddress(input) == nil)
    }

    @Test func ordersNumerically() throws {
        let low = try #require(IPAddress("9.255.255.255"))
        let high = try #require(IPAddress("10.0.0.0"))
        #expect(low < high)
        #expect(try #require(IPAddress("::1")) < low)
    }
}
