/// Parsers for the plain-text range formats StepUp imports.
///
/// - Range CSV: `first,last,value` where first/last are addresses or 32-bit integers (tor-geoipdb's
///   `/usr/share/tor/geoip` writes `16777216,16777471,AU`; `geoip6` and DB-IP lite CSVs write addresses),
///   or `cidr,value`. `#` starts a comment; quotes around fields are removed.
/// - CIDR list: one address or block per line, as reputation lists (Tor exit lists, Spamhaus DROP, …) are
///   published; `#` and `;` start comments, and anything after the first word on a line is ignored.
///
/// Both work on bytes, not Characters: tor's lists have 400,000 lines and load at every start.
public enum RangeListParser {
    public typealias Row = (first: IPAddress, last: IPAddress, value: String)

    /// Parses a range CSV; rows whose value is `??` or empty (unknown) are skipped.
    public static func rangeCSV(_ text: String, source: String = "ranges") throws(GeoError) -> [Row] {
        try rangeCSV(bytes: Array(text.utf8), source: source)
    }

    public static func rangeCSV(bytes: [UInt8], source: String) throws(GeoError) -> [Row] {
        var rows: [Row] = []
        var number = 0
        var values: [UInt64: String] = [:]
        var lineStart = 0
        // Plain index loops: this runs over 400,000 lines and must be quick even in debug builds.
        while lineStart < bytes.count {
            var lineEnd = lineStart
            while lineEnd < bytes.count, bytes[lineEnd] != 0x0A { lineEnd += 1 }
            defer { lineStart = lineEnd + 1 }
            number += 1
            var contentEnd = lineStart
            var commas: [Int] = []
            while contentEnd < lineEnd, bytes[contentEnd] != 0x23 {
                if bytes[contentEnd] == 0x2C { commas.append(contentEnd) }
                contentEnd += 1
            }
            let line = trim(bytes[lineStart..<contentEnd])
            if line.isEmpty { continue }
            var fields: [ArraySlice<UInt8>] = []
            var fieldStart = lineStart
            for comma in commas {
                fields.append(unquote(bytes[fieldStart..<comma]))
                fieldStart = comma + 1
            }
            fields.append(unquote(bytes[fieldStart..<contentEnd]))
            let first: IPAddress
            let last: IPAddress
            let valueBytes: ArraySlice<UInt8>
            switch fields.count {
            case 2:
                guard let block = CIDR(String(decoding: fields[0], as: UTF8.self)) else {
                    throw .badList(source, line: number, "bad CIDR block")
                }
                (first, last, valueBytes) = (block.network, block.last, fields[1])
            case 3...:
                guard let low = address(fields[0]), let high = address(fields[1]), low <= high,
                      low.isV4 == high.isV4 else {
                    throw .badList(source, line: number, "expected first,last,value with first <= last")
                }
                (first, last, valueBytes) = (low, high, fields[2])
            default:
                throw .badList(source, line: number, "expected first,last,value or cidr,value")
            }
            if valueBytes.isEmpty || (valueBytes.count == 2 && valueBytes.first == 0x3F && valueBytes.last == 0x3F) {
                continue
            }
            rows.append((first, last, value(valueBytes, cache: &values)))
        }
        return rows
    }

    /// Few distinct values (countries) repeat on every line: share one String per short value.
    private static func value(_ bytes: ArraySlice<UInt8>, cache: inout [UInt64: String]) -> String {
        guard bytes.count <= 7 else { return String(decoding: bytes, as: UTF8.self) }
        var key = UInt64(bytes.count)
        for byte in bytes { key = key << 8 | UInt64(byte) }
        if let known = cache[key] { return known }
        let value = String(decoding: bytes, as: UTF8.self)
        cache[key] = value
        return value
    }

    /// Parses a CIDR-per-line list.
    public static func cidrList(_ text: String, source: String = "list") throws(GeoError) -> [CIDR] {
        var blocks: [CIDR] = []
        var number = 0
        for rawLine in Array(text.utf8).split(separator: 0x0A, omittingEmptySubsequences: false) {
            number += 1
            let line = content(rawLine, markers: [0x23, 0x3B])
            guard let word = line.split(whereSeparator: { $0 == 0x20 || $0 == 0x09 }).first else { continue }
            let text = String(decoding: word, as: UTF8.self)
            guard let block = CIDR(text) else {
                throw .badList(source, line: number, "'\(text.prefix(60))' is not an address or CIDR block")
            }
            blocks.append(block)
        }
        return blocks
    }

    /// An address written as text or as a 32-bit decimal integer (IPv4).
    static func address(_ field: ArraySlice<UInt8>) -> IPAddress? {
        if !field.isEmpty, field.count <= 10 {
            var number: UInt64 = 0
            var index = field.startIndex
            while index < field.endIndex, field[index] >= 48, field[index] <= 57 {
                number = number * 10 + UInt64(field[index] - 48)
                index += 1
            }
            if index == field.endIndex {
                guard let v4 = UInt32(exactly: number) else { return nil }
                return IPAddress(v4: v4)
            }
        }
        return IPAddress(utf8: field)
    }

    /// The line without its comment and surrounding whitespace.
    private static func content(_ line: ArraySlice<UInt8>, markers: [UInt8]) -> ArraySlice<UInt8> {
        let end = line.firstIndex { markers.contains($0) } ?? line.endIndex
        return trim(line[..<end])
    }

    private static func trim(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var start = bytes.startIndex
        var end = bytes.endIndex
        while start < end, isSpace(bytes[start]) { start += 1 }
        while end > start, isSpace(bytes[end - 1]) { end -= 1 }
        return bytes[start..<end]
    }

    private static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0D }

    private static func unquote(_ field: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        let trimmed = trim(field)
        if trimmed.count >= 2, trimmed.first == 0x22, trimmed.last == 0x22 { return trimmed.dropFirst().dropLast() }
        return trimmed
    }
}
