import StepUpCore
import StepUpGeo
import StepUpTestSupport
import Testing

@Suite(.timeLimit(.minutes(5))) struct CIDRTests {
    @Test func parsesAndContains() throws {
        let block = try #require(CIDR("192.0.2.77/24"))
        #expect(block.description == "192.0.2.0/24")
        #expect(block.last.description == "192.0.2.255")
        #expect(block.contains(try #require(IPAddress("192.0.2.200"))))
        #expect(!block.contains(try #require(IPAddress("192.0.3.0"))))
        #expect(try #require(CIDR("10.1.2.3")).prefixLength == 32)
        #expect(try #require(CIDR("2001:db8::/32")).last.description == "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff")
        #expect(try #require(CIDR("::ffff:10.0.0.0/104")).description == "10.0.0.0/8")
    }

    @Test func wholeSpaces() throws {
        let v4 = try #require(CIDR("0.0.0.0/0"))
        #expect(v4.contains(try #require(IPAddress("255.255.255.255"))))
        #expect(!v4.contains(try #require(IPAddress("::1"))))
        let v6 = try #require(CIDR("::/0"))
        #expect(v6.contains(try #require(IPAddress("1.2.3.4"))))
        #expect(v6.last.description == "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")
    }

    @Test(arguments: ["1.2.3.4/33", "1.2.3.4/-1", "1.2.3.4/", "::/129", "1.2.3.4/8/8", "x/8", "1.2.3.4/+8", "/8"])
    func rejectsMalformed(input: String) {
        #expect(CIDR(input) == nil)
    }

    @Test func setMergesAndFinds() throws {
        let set = try CIDRSet(parsing: ["10.0.0.0/9", "10.128.0.0/9", "192.0.2.1", "2001:db8::/32", "10.5.0.0/16"])
        #expect(set.rangeCount == 3)
        for hit in ["10.0.0.0", "10.127.255.255", "10.128.0.0", "10.255.255.255", "192.0.2.1", "2001:db8::5"] {
            #expect(set.contains(hit), "\(hit)")
        }
        for miss in ["9.255.255.255", "11.0.0.0", "192.0.2.0", "192.0.2.2", "2001:db9::", "::", "junk"] {
            #expect(!set.contains(miss), "\(miss)")
        }
        #expect(!CIDRSet.empty.contains("1.2.3.4"))
        #expect(throws: GeoError.self) { try CIDRSet(parsing: ["10.0.0.0/8", "nonsense"]) }
    }

    @Test func setAgreesWithLinearScan() throws {
        let seed = TestSeed.seed("CIDRTests.linearScan", fallback: 7)
        var generator = SplitMix64(seed: seed)
        var blocks: [CIDR] = []
        for _ in 0..<300 {
            let address = IPAddress(v4: UInt32(truncatingIfNeeded: generator.next()))
            blocks.append(try #require(CIDR(address: address, prefixLength: Int(generator.next() % 17) + 12)))
        }
        let set = CIDRSet(blocks)
        for _ in 0..<5000 {
            let probe = IPAddress(v4: UInt32(truncatingIfNeeded: generator.next()))
            #expect(set.contains(probe) == blocks.contains { $0.contains(probe) }, "seed \(seed): \(probe)")
        }
    }
}

