/// A QR code symbol (ISO/IEC 18004, model 2) holding bytes in byte mode: its module matrix, not yet rendered.
///
/// TOTP enrolment shows the `otpauth://` URI as a QR code rendered on the server; this type is the pure encoder
/// behind it (no I/O, no dependencies), and ``svg(moduleSize:quietZone:title:)`` renders it.
///
/// ```swift
/// let code = try QRCode.encode(Array(uri.utf8))          // level M, smallest version, best mask
/// let markup = code.svg(title: "Scan this code with your authenticator app")
/// ```
public struct QRCode: Sendable, Hashable {
    /// 1…40: the smallest version whose capacity holds the data at ``errorCorrection``.
    public let version: Int
    public let errorCorrection: QRErrorCorrection
    /// The data mask pattern, 0…7 (table 10): the one with the lowest penalty score (7.8.3).
    public let mask: Int
    /// Dark modules, row-major.
    private let modules: [Bool]

    /// Modules a side, without the quiet zone: 17 + 4 × ``version``.
    public var size: Int { 17 + 4 * version }

    /// Whether the module in column `x`, row `y` (0 at the top left) is dark. Outside the symbol is the quiet zone:
    /// light.
    public subscript(x: Int, y: Int) -> Bool {
        guard (0..<size).contains(x), (0..<size).contains(y) else { return false }
        return modules[y * size + x]
    }

    /// Encodes `bytes` in one byte-mode segment, in the smallest version that holds them at `level`.
    ///
    /// - Throws: ``QRError/dataTooLong(byteCount:capacity:level:)`` past a version 40 symbol's capacity (2,331 bytes
    ///   at level M).
    public static func encode(_ bytes: [UInt8], level: QRErrorCorrection = .medium) throws -> QRCode {
        try encode(bytes, level: level, mask: nil)
    }

    /// Encodes the UTF-8 bytes of `text`, without an ECI header. Readers guess the encoding of byte-mode text (ZBar
    /// reads "ålice" as Shift JIS), so pass ASCII where you can: `OTPAuthURI` percent-encodes its labels.
    public static func encode(_ text: String, level: QRErrorCorrection = .medium) throws -> QRCode {
        try encode(Array(text.utf8), level: level, mask: nil)
    }

    /// The full encoder; `mask` forces a pattern instead of the lowest-penalty one (for comparing with others).
    static func encode(_ bytes: [UInt8], level: QRErrorCorrection, mask: QRMask?) throws -> QRCode {
        guard let version = QRVersion.smallest(holding: bytes.count, level: level) else {
            let capacity = QRVersion.all.last!.byteCapacity(level)
            throw QRError.dataTooLong(byteCount: bytes.count, capacity: capacity, level: level)
        }
        var matrix = QRMatrix(version: version)
        matrix.place(QRCodewords.interleaved(bytes, version: version, level: level))
        // Each candidate is scored without format and version information, which come after masking (7.1 step 7).
        // Ties go to the lowest pattern number.
        let chosen = mask ?? QRMask.all.map { ($0, matrix.masked($0).penalty.total) }.min { $0.1 < $1.1 }!.0
        var symbol = matrix.masked(chosen)
        symbol.drawInformation(version: version, level: level, mask: chosen)
        return QRCode(version: version.number, errorCorrection: level, mask: chosen.number, modules: symbol.modules)
    }
}
