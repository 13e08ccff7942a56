/// Parsers for the plain-text range formats StepUp imports.
///
/// - Range CSV: `first,last,value` where first/last are addresses or 32-bit integers (tor-geoipdb's
///   `/usr/share/tor/geoip` writes `16777216,16777471,AU`; `geoip6` and DB-IP lite CSVs write addresses),
///   or `cidr,value`. `#` starts a comment; quotes around fields are removed.
/// - CIDR list: one address or block per line, as reputation lists (Tor exit lists, Spamhaus DROP, …) are
///   published; `#` and `;` start comments, and anything after the first word on a line is ignored.
public enum RangeListParser {
    /// Parses a range CSV; rows whose value is `??` or empty (unknown) are skipped.
    public static func rangeCSV(_ text: String, source: String = "ranges") throws(GeoError)
        -> [(first: IPAddress, last: IPAddress, value: String)] {
        var rows: [(first: IPAddress, last: IPAddress, value: String)] = []
        var number = 0
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            number += 1
            let line = stripComment(rawLine, markers: ["#"])
            if line.isEmpty { continue }
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(unquote)
            let value: String
            let first: IPAddress
            let last: IPAddress
            switch fields.count {
            case 2:
                guard let block = CIDR(fields[0]) else { throw .badList(source, line: number, "bad CIDR block") }
                (first, last, value) = (block.network, block.last, fields[1])
            case 3...:
                guard let low = address(fields[0]), let high = address(fields[1]), low <= high,
                      low.isV4 == high.isV4 else {
                    throw .badList(source, line: number, "expected first,last,value with first <= last")
                }
                (first, last, value) = (low, high, fields[2])
            default:
                throw .badList(source, line: number, "expected first,last,value or cidr,value")
            }
            if value.isEmpty || value == "??" { continue }
            rows.append((first, last, value))
        }
        return rows
    }

    /// Parses a CIDR-per-line list.
    public static func cidrList(_ text: String, source: String = "list") throws(GeoError) -> [CIDR] {
        var blocks: [CIDR] = []
        var number = 0
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            number += 1
            let line = stripComment(rawLine, markers: ["#", ";"])
            guard let word = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).first else { continue }
            guard let block = CIDR(word) else {
                throw .badList(source, line: number, "'\(word.prefix(60))' is not an address or CIDR block")
            }
            blocks.append(block)
        }
        return blocks
    }

    /// An address written as text or as a 32-bit decimal integer (IPv4).
    static func address(_ field: String) -> IPAddress? {
        if !field.isEmpty, field.count <= 10, field.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) {
            guard let number = UInt32(field) else { return nil }
            return IPAddress(v4: number)
        }
        return IPAddress(field)
    }

    private static func stripComment(_ line: Substring, markers: [Character]) -> Substring {
        let end = line.firstIndex { markers.contains($0) } ?? line.endIndex
        return line[..<end].trimmingASCIIWhitespace()
    }

    private static func unquote(_ field: Substring) -> String {
        var trimmed = field.trimmingASCIIWhitespace()
        if trimmed.count >= 2, trimmed.first == "\"", trimmed.last == "\"" {
            trimmed = trimmed.dropFirst().dropLast()
        }
        return String(trimmed)
    }
}
