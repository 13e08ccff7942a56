/// Why an address, list or database could not be read.
public struct GeoError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Code: Sendable, Hashable { case badAddress, badList, badDatabase, unreadable }
    private let code: Code
    /// What went wrong and what to do about it.
    public let reason: String

    private init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    public static func badAddress(_ text: String) -> GeoError {
        GeoError(.badAddress, "'\(text.prefix(80))' is not an IP address or CIDR block")
    }
    /// A range list line that cannot be parsed; `line` counts from 1.
    public static func badList(_ source: String, line: Int, _ why: String) -> GeoError {
        GeoError(.badList, "\(source):\(line): \(why)")
    }
    public static func badDatabase(_ why: String) -> GeoError {
        GeoError(.badDatabase, "not a usable MaxMind DB file: \(why)")
    }
    public static func unreadable(_ path: String, _ why: String) -> GeoError {
        GeoError(.unreadable, "cannot read \(path): \(why)")
    }

    public var isBadAddress: Bool { code == .badAddress }
    public var isBadList: Bool { code == .badList }
    public var isBadDatabase: Bool { code == .badDatabase }

    public var description: String { reason }
}
