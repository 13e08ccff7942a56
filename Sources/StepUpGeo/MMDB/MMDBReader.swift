import Foundation

/// Reads MaxMind DB (`.mmdb`) files — GeoLite2, GeoIP2, DB-IP — following the published
/// "MaxMind DB File Format Specification" version 2.0: a binary search tree over address bits, a data section
/// of typed values, and a metadata map after a marker at the end of the file.
///
/// The whole file is held in memory; lookups are read-only and safe from any thread.
///
/// ```swift
/// let reader = try MMDBReader(path: "/var/lib/stepup/GeoLite2-City.mmdb")
/// reader.locate("81.2.69.160")   // GeoLocation(country: "GB", latitude: 51.5, longitude: -0.1)
/// reader.record(for: "81.2.69.160")?["city", "names", "en"]
/// ```
public struct MMDBReader: Sendable {
    public let metadata: MMDBMetadata
    let bytes: [UInt8]
    let nodeCount: Int
    let recordSize: Int
    let treeSize: Int
    /// The node where IPv4 lookups start: after 96 zero bits in an IPv6 tree, the root in an IPv4 tree.
    let ipv4Start: Int
    let data: MMDBDecoder
    let cache: LocationCache

    public init(path: String) throws(GeoError) {
        guard let contents = FileManager.default.contents(atPath: path) else {
            throw .unreadable(path, "file missing or not readable")
        }
        try self.init(bytes: [UInt8](contents))
    }

    public init(bytes: [UInt8]) throws(GeoError) {
        guard let markerAt = Self.lastMarker(in: bytes) else { throw .badDatabase("no metadata marker") }
        let metadataStart = markerAt + MMDBMetadata.marker.count
        let metadataDecoder = MMDBDecoder(bytes: bytes, base: metadataStart, end: bytes.count)
        metadata = try MMDBMetadata(metadataDecoder.decode(at: metadataStart).value)
        nodeCount = metadata.nodeCount
        recordSize = metadata.recordSize
        let (size, overflow) = (recordSize / 4).multipliedReportingOverflow(by: nodeCount)
        guard !overflow, size + 16 <= markerAt else { throw .badDatabase("search tree larger than the file") }
        treeSize = size
        self.bytes = bytes
        data = MMDBDecoder(bytes: bytes, base: treeSize + 16, end: markerAt)
        cache = LocationCache()
        var node = 0
        if metadata.ipVersion == 6 {
            for _ in 0..<96 where node < nodeCount { node = Self.record(bytes, node, 0, recordSize) }
        }
        ipv4Start = node
    }

    /// Searches the last 128 KiB for the metadata marker, as the spec prescribes.
    private static func lastMarker(in bytes: [UInt8]) -> Int? {
        let marker = MMDBMetadata.marker
        guard bytes.count >= marker.count else { return nil }
        let lowest = max(0, bytes.count - 128 * 1024)
        var start = bytes.count - marker.count
        while start >= lowest {
            if bytes[start] == marker[0], bytes[start..<(start + marker.count)].elementsEqual(marker) { return start }
            start -= 1
        }
        return nil
    }

    /// One record (left for bit 0, right for bit 1) of a node; the caller guarantees `node < nodeCount`.
    @inline(__always)
    static func record(_ bytes: [UInt8], _ node: Int, _ bit: Int, _ recordSize: Int) -> Int {
        switch recordSize {
        case 24:
            let at = node * 6 + bit * 3
            return Int(bytes[at]) << 16 | Int(bytes[at + 1]) << 8 | Int(bytes[at + 2])
        case 28:
            let at = node * 7
            if bit == 0 {
                return Int(bytes[at + 3] & 0xF0) << 20 | Int(bytes[at]) << 16 | Int(bytes[at + 1]) << 8
                    | Int(bytes[at + 2])
            }
            return Int(bytes[at + 3] & 0x0F) << 24 | Int(bytes[at + 4]) << 16 | Int(bytes[at + 5]) << 8
                | Int(bytes[at + 6])
        default:
            let at = node * 8 + bit * 4
            return Int(bytes[at]) << 24 | Int(bytes[at + 1]) << 16 | Int(bytes[at + 2]) << 8 | Int(bytes[at + 3])
        }
    }
}
