/// The metadata map at the end of a MaxMind DB file (spec section "Database Metadata").
public struct MMDBMetadata: Sendable, Hashable {
    public var nodeCount: Int
    /// Bits per search-tree record: 24, 28 or 32.
    public var recordSize: Int
    /// 4 or 6.
    public var ipVersion: Int
    /// e.g. `GeoLite2-City`, `DBIP-Country-Lite`.
    public var databaseType: String
    public var languages: [String]
    public var formatMajorVersion: Int
    public var formatMinorVersion: Int
    /// Seconds since the Unix epoch.
    public var buildEpoch: UInt64
    public var description: [String: String]

    /// The marker that precedes the metadata: `\xAB\xCD\xEF` then `MaxMind.com`.
    static let marker: [UInt8] = [0xAB, 0xCD, 0xEF] + Array("MaxMind.com".utf8)

    init(_ value: MMDBValue) throws(GeoError) {
        guard let map = value.mapValue else { throw .badDatabase("metadata is not a map") }
        func integer(_ key: String) throws(GeoError) -> Int {
            guard let number = map[key]?.unsignedValue, number <= UInt64(Int32.max) else {
                throw .badDatabase("metadata field \(key) missing or out of range")
            }
            return Int(number)
        }
        nodeCount = try integer("node_count")
        recordSize = try integer("record_size")
        ipVersion = try integer("ip_version")
        formatMajorVersion = try integer("binary_format_major_version")
        formatMinorVersion = (try? integer("binary_format_minor_version")) ?? 0
        databaseType = map["database_type"]?.stringValue ?? ""
        languages = map["languages"]?.arrayValue?.compactMap(\.stringValue) ?? []
        buildEpoch = map["build_epoch"]?.unsignedValue ?? 0
        description = (map["description"]?.mapValue ?? [:]).compactMapValues(\.stringValue)
        guard [24, 28, 32].contains(recordSize) else { throw .badDatabase("record size \(recordSize)") }
        guard ipVersion == 4 || ipVersion == 6 else { throw .badDatabase("ip_version \(ipVersion)") }
        guard formatMajorVersion == 2 else {
            throw .badDatabase("format version \(formatMajorVersion); this reader supports version 2")
        }
    }
}
