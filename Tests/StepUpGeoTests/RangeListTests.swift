import StepUpCore
import StepUpGeo
import Testing

@Suite(.timeLimit(.minutes(5))) struct RangeListTests {
    @Test func parsesTorFormatsAndCIDRRows() throws {
        let text = """
        # tor geoip style
        16777216,16777471,AU
        16777472,16778239,cn
        15726992,15726999,??
        2001:2::,2001:2:0:ffff:ffff:ffff:ffff:ffff,JP
        "198.51.100.0","198.51.100.255","FR"   # quoted, DB-IP style
        192.0.2.0/24,DE

        """
        let rows = try RangeListParser.rangeCSV(text, source: "t")
        #expect(rows.count == 5)
        let locator = try CountryRangeLocator(csv: [(text, "t")])
        #expect(locator.locate("1.0.0.1")?.country == "AU")
        #expect(locator.locate("1.0.1.7")?.country == "CN")
        #expect(locator.locate("0.239.249.144") == nil)  // "??" rows are skipped
        #expect(locator.locate("2001:2::1")?.country == "JP")
        #expect(locator.locate("198.51.100.9")?.country == "FR")
        #expect(locator.locate("192.0.2.254")?.country == "DE")
        #expect(locator.locate("192.0.3.0") == nil)
        #expect(locator.locate("garbage") == nil)
    }

    @Test func reportsTheBadLine() {
        let text = "1,2,AU\n3,2,AU\n"
        #expect {
            try RangeListParser.rangeCSV(text, source: "list.csv")
        } throws: { error in
            (error as? GeoError)?.reason.hasPrefix("list.csv:2:") == true
        }
        #expect(throws: GeoError.self) { try RangeListParser.rangeCSV("1.2.3.4,::1,XX", source: "mixed") }
        #expect(throws: GeoError.self) { try RangeListParser.rangeCSV("99999999999,1,XX", source: "big") }
    }

    @Test func parsesCIDRListsWithComments() throws {
        let text = """
        # Tor exit list
        185.220.101.1
        185.220.102.0/24 ; SBL12345
        2a0b:f4c2::/40   # comment
        \t
        """
        let blocks = try RangeListParser.cidrList(text, source: "exits")
        #expect(blocks.map(\.description) == ["185.220.101.1/32", "185.220.102.0/24", "2a0b:f4c2::/40"])
        #expect {
            try RangeListParser.cidrList("10.0.0.0/8\nnot-an-address\n", source: "drop.txt")
        } throws: { error in
            (error as? GeoError)?.reason.hasPrefix("drop.txt:2:") == true
        }
    }
}
