import Foundation
import StepUpCore

/// Country lookup from range lists (tor-geoipdb, DB-IP lite CSV, …): countries only, no coordinates.
public struct CountryRangeLocator: GeoLocator {
    public let table: IPRangeTable<String>

    public init(table: IPRangeTable<String>) {
        self.table = table
    }

    /// Builds the table from range CSV texts (see ``RangeListParser/rangeCSV(_:source:)``).
    public init(csv texts: [(text: String, source: String)]) throws(GeoError) {
        var rows: [(first: IPAddress, last: IPAddress, value: String)] = []
        for (text, source) in texts {
            rows += try RangeListParser.rangeCSV(text, source: source)
        }
        self.table = IPRangeTable(rows.map { ($0.first, $0.last, $0.value.uppercased()) })
    }

    /// Loads range CSV files, e.g. `["/usr/share/tor/geoip", "/usr/share/tor/geoip6"]`.
    public init(files paths: [String]) throws(GeoError) {
        var rows: [RangeListParser.Row] = []
        for path in paths {
            rows += try RangeListParser.rangeCSV(bytes: try FileText.bytes(path), source: path)
        }
        self.table = IPRangeTable(rows.map { ($0.first, $0.last, $0.value.uppercased()) })
    }

    public func locate(_ ip: String) -> GeoLocation? {
        guard let country = table.value(for: ip) else { return nil }
        return GeoLocation(country: country)
    }

    public func country(of address: IPAddress) -> String? { table.value(for: address) }
}

/// Reading whole text files, with errors the operator can act on.
enum FileText {
    static func read(_ path: String) throws(GeoError) -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .unreadable(path, "file missing or not readable")
        }
        return String(decoding: data, as: UTF8.self)
    }

    static func bytes(_ path: String) throws(GeoError) -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .unreadable(path, "file missing or not readable")
        }
        return [UInt8](data)
    }
}
