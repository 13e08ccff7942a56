import Foundation
import StepUpCore
import StepUpGeo
import StepUpTestSupport
import Testing

/// .mmdb files written by the independent PyPI `mmdb-writer` in the test setup, read by our reader.
@Suite(.ownThread, .timeLimit(.minutes(5))) struct MMDBReaderTests {
    @Test func cityDatabaseCountriesCoordinatesAndFields() throws {
        guard TestSupport.requireMMDBWriter() else { return }
        let reader = try TestSupport.mmdbReader("city")
        #expect(reader.metadata.ipVersion == 6)
        #expect(reader.metadata.databaseType == "StepUp-Test-City")
        #expect(reader.metadata.languages == ["en", "de"])
        #expect(reader.metadata.description["en"] == "StepUp test city database")
        #expect(reader.metadata.formatMajorVersion == 2)

        let london = try #require(reader.locate("81.2.69.160"))
        #expect(london.country == "GB")
        #expect(try abs(#require(london.latitude) - 51.5142) < 1e-9)
        #expect(try abs(#require(london.longitude) + 0.0931) < 1e-9)
        #expect(reader.locate("2.125.160.218")?.country == "FR")
        #expect(reader.locate("2.125.160.224") == nil)       // just past the /29
        #expect(reader.locate("198.51.100.127")?.country == "US")
        #expect(reader.locate("198.51.100.128") == nil)
        #expect(reader.locate("::ffff:203.0.113.9")?.country == "US")
        #expect(reader.locate("2001:db8:1:abcd::1")?.latitude == 35.6762)
        #expect(reader.locate("2001:db8:2::1")?.country == "DE")  // registered_country fallback, upper-cased
        #expect(reader.locate("2001:db8:3::1") == nil)
        #expect(reader.locate("8.8.8.8") == nil)
        #expect(reader.locate("not an ip") == nil)
        // A second lookup of the same record comes from the cache and must be identical.
        #expect(reader.locate("81.2.69.1") == london)

        let record = try #require(reader.record(for: "81.2.69.160"))
        #expect(record["city", "names", "en"]?.stringValue == "London")
        #expect(record["subdivisions", 1, "iso_code"]?.stringValue == "S2")
        #expect(record["location", "accuracy_radius"]?.unsignedValue == 20)
        #expect(record["subdivisions", 5] == nil)
    }

    @Test func everyDataType() throws {
        guard TestSupport.requireMMDBWriter() else { return }
        let reader = try TestSupport.mmdbReader("city")
        let record = try #require(reader.record(for: "192.0.2.1"))
        #expect(record["flag"] == .bool(true))
        #expect(record["off"] == .bool(false))
        #expect(record["count"]?.unsignedValue == (1 << 40) + 5)
        #expect(record["big"] == .uint128((UInt128(1) << 100) + 7))
        #expect(record["neg"] == .int32(-12345))
        #expect(record["ratio"] == .float(0.5))
        #expect(record["raw"] == .bytes([0, 1, 255]))
        // (7, not 1: the writer dedupes values by Python equality, and 1 == True.)
        #expect(record["list", 0]?.unsignedValue == 7)
        #expect(record["list", 1]?.stringValue == "two")
        #expect(record["list", 2]?.doubleValue == 3.25)
        #expect(record["list", 3, "k"]?.stringValue == "v")
        #expect(record["empty"] == .map([:]))
        #expect(record["long"]?.stringValue == String(repeating: "x", count: 300))
        #expect(record["longer"]?.stringValue == String(repeating: "y", count: 70000))
        #expect(reader.locate("192.0.2.1") == nil)  // no country, no coordinates
    }

    @Test func ipv4OnlyDatabase() throws {
        guard TestSupport.requireMMDBWriter() else { return }
        let reader = try TestSupport.mmdbReader("v4")
        #expect(reader.metadata.ipVersion == 4)
        #expect(reader.locate("10.200.1.1")?.country == "NL")
        let stockholm = try #require(reader.locate("172.16.5.4"))
        #expect(stockholm.country == "SE")
        #expect(stockholm.latitude == 59.33)
        #expect(reader.locate("172.16.5.5") == nil)
        #expect(reader.locate("2001:db8::1") == nil)
    }

    @Test func twentyEightBitRecords() throws {
        guard TestSupport.requireMMDBWriter() else { return }
        let reader = try TestSupport.mmdbReader("big")
        #expect(reader.metadata.recordSize == 28)
        for index in [0, 1, 255, 4097, 12345, 16999] {
            let record = try #require(reader.record(for: "10.\(index / 256).\(index % 256).77"))
            #expect(record["i"]?.unsignedValue == UInt64(index))
            #expect(record["pad"]?.stringValue?.hasPrefix(String(format: "%06d", index)) == true)
        }
        #expect(reader.record(for: "10.66.105.1") == nil)  // 17000 = 66 * 256 + 104 networks only
    }

    @Test func agreesWithTorRangesOnRealData() throws {
        guard TestSupport.requireMMDBWriter(), TestSupport.requireTorGeoIP() else { return }
        let reader = try TestSupport.mmdbReader("tor", extra: ["3000"])
        let table = try CountryRangeLocator(files: [TestSupport.torGeoIP, TestSupport.torGeoIP6])
        let v4 = try RangeListParser.rangeCSV(bytes: [UInt8](try #require(
            FileManager.default.contents(atPath: TestSupport.torGeoIP))), source: "geoip").prefix(3000)
        var checked = 0
        for row in v4 where row.first.v4Value != nil {
            for address in [row.first, row.last] {
                #expect(reader.locate(address.description)?.country == table.locate(address.description)?.country)
                checked += 1
            }
        }
        #expect(checked > 5000)
        #expect(reader.locate("2001:4:112::1")?.country == table.locate("2001:4:112::1")?.country)
    }

    @Test func rejectsGarbage() throws {
        #expect(throws: GeoError.self) { try MMDBReader(bytes: []) }
        #expect(throws: GeoError.self) { try MMDBReader(bytes: Array("hello world".utf8)) }
        #expect(throws: GeoError.self) { try MMDBReader(path: "/nonexistent/file.mmdb") }
        // A marker followed by a truncated map.
        let truncated: [UInt8] = [0xAB, 0xCD, 0xEF] + Array("MaxMind.com".utf8) + [0xE9, 0x4A]
        #expect(throws: GeoError.self) { try MMDBReader(bytes: truncated) }
    }

    @Test func pointerBombRunsOutOfBudget() {
        // Metadata: an array of 20 pointers, each pointing back at the array itself.
        let marker: [UInt8] = [0xAB, 0xCD, 0xEF] + Array("MaxMind.com".utf8)
        let bomb: [UInt8] = [0x14, 0x04] + Array(repeating: [0x20, 0x00], count: 20).flatMap { $0 }
        #expect(throws: GeoError.self) { try MMDBReader(bytes: marker + bomb) }
    }

    @Test func survivesCorruptedFiles() throws {
        guard TestSupport.requireMMDBWriter() else { return }
        let original = try TestSupport.mmdbBytes("city")
        let seed = TestSeed.seed("MMDBReaderTests.survivesCorruptedFiles", fallback: 42)
        var generator = SplitMix64(seed: seed)
        var opened = 0, refused = 0
        for index in 0..<300 {
            var bytes = original
            // Corrupt a random byte or truncate: either the reader opens, or it refuses with a database error.
            if index % 10 == 9 {
                bytes.removeLast(Int(generator.next() % UInt64(bytes.count)))
            } else {
                for _ in 0..<8 {
                    bytes[Int(generator.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: generator.next())
                }
            }
            let reader: MMDBReader
            do {
                reader = try MMDBReader(bytes: bytes)
            } catch {
                #expect(error.reason.hasPrefix("not a usable MaxMind DB file"), "seed \(seed) case \(index): \(error)")
                refused += 1
                continue
            }
            opened += 1
            for probe in ["81.2.69.160", "192.0.2.1", "2001:db8:1::1", "2.125.160.218"] {
                _ = reader.locate(probe)
                _ = reader.record(for: probe)
            }
        }
        // Both paths ran: corrupted files that still open are probed, and broken ones are refused.
        #expect(opened + refused == 300)
        #expect(opened > 0 && refused > 0, "seed \(seed): \(opened) opened, \(refused) refused")
    }
}
