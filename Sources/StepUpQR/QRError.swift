/// Why some data could not become a QR code.
public struct QRError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Code: Sendable, Hashable { case dataTooLong }

    private let code: Code
    /// What went wrong and what to do instead, in words.
    public let reason: String

    private init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    /// More bytes than a version 40 symbol holds at the chosen error-correction level.
    public static func dataTooLong(byteCount: Int, capacity: Int, level: QRErrorCorrection) -> Self {
        .init(.dataTooLong, "\(byteCount) bytes do not fit: a QR code at level \(level) holds at most \(capacity) "
            + "bytes; shorten the data or choose a lower error-correction level")
    }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    public var description: String {
        switch code {
        case .dataTooLong: "QR code data too long: \(reason)"
        }
    }
}
