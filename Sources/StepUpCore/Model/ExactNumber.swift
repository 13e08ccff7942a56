/// A number kept at its exact decimal value, with a `Double` beside it for arithmetic.
///
/// Why not just `Double`: a transfer of 9007199254740993 must not be bound, compared or displayed as
/// 9007199254740992, and `0.1` must stay `0.1`. Two numbers are equal when their decimal values are equal, so
/// `1500`, `1500.0` and `1.5e3` are one number (as they are one JSON number).
///
/// The canonical text (``description``) is the plain decimal expansion: an optional `-`, no leading zeros
/// (but `0.` before a fraction), no trailing fractional zeros, no exponent, no `-0`. For example `1.5e3` →
/// `1500`, `-0.0` → `0`, `1e-7` → `0.0000001`. Non-finite values (only ever built from a `Double` in code)
/// print as `NaN`, `Infinity` and `-Infinity` and are never equal to a finite number.
public struct ExactNumber: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Significant digits (ASCII, no leading or trailing zeros; empty for zero) of a finite value.
    let digits: [UInt8]
    /// Where the decimal point sits: the value is `0.<digits> × 10^point`.
    let point: Int
    let isNegative: Bool
    /// The nearest `Double`, for arithmetic and risk parameters (may round; comparisons do not use it).
    public let double: Double

    /// Decimal exponents beyond this are refused: they would expand to kilobytes of text.
    static let maxPoint = 400
    /// At most this many significant digits.
    static let maxDigits = 200

    /// The shortest decimal that round-trips `value` (so `0.1` is `0.1`, not its binary expansion).
    public init(_ value: Double) {
        if value.isFinite, let exact = ExactNumber(parsing: "\(value)") {
            self = exact
        } else {
            digits = []
            point = 0
            isNegative = value.sign == .minus
            double = value
        }
    }

    /// An integer, exactly.
    public init(_ value: some BinaryInteger) {
        // The decimal text of an integer always parses (at most 39 digits for 128-bit integers).
        self = ExactNumber(parsing: String(value))!
    }

    /// A finite value from its parts; nil when its `Double` would overflow.
    init?(digits: [UInt8], point: Int, isNegative: Bool) {
        let point = digits.isEmpty ? 0 : point
        let isNegative = digits.isEmpty ? false : isNegative
        guard let double = Double(Self.plain(digits, point, isNegative)), double.isFinite else { return nil }
        self.digits = digits
        self.point = point
        self.isNegative = isNegative
        self.double = double
    }

    /// False only for NaN and the infinities, which no parser produces.
    public var isFinite: Bool { double.isFinite }

    /// Whether the value is a whole number.
    public var isInteger: Bool { isFinite && digits.count <= point }

    /// The canonical text; see the type's documentation.
    public var description: String {
        guard isFinite else { return double.isNaN ? "NaN" : (double < 0 ? "-Infinity" : "Infinity") }
        return Self.plain(digits, point, isNegative)
    }

    static func plain(_ digits: [UInt8], _ point: Int, _ negative: Bool) -> String {
        guard !digits.isEmpty else { return "0" }
        var bytes: [UInt8] = negative ? [UInt8(ascii: "-")] : []
        let zero = UInt8(ascii: "0")
        if point <= 0 {
            bytes += [zero, UInt8(ascii: ".")] + Array(repeating: zero, count: -point) + digits
        } else if point < digits.count {
            bytes += digits[..<point] + [UInt8(ascii: ".")] + digits[point...]
        } else {
            bytes += digits + Array(repeating: zero, count: point - digits.count)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    public static func == (lhs: ExactNumber, rhs: ExactNumber) -> Bool {
        guard lhs.isFinite, rhs.isFinite else {
            // Non-finite values equal themselves (NaN included) so hashing stays lawful.
            guard !lhs.isFinite, !rhs.isFinite else { return false }
            return lhs.double.isNaN && rhs.double.isNaN || lhs.double == rhs.double
        }
        return lhs.isNegative == rhs.isNegative && lhs.point == rhs.point && lhs.digits == rhs.digits
    }

    public func hash(into hasher: inout Hasher) {
        if isFinite {
            hasher.combine(isNegative)
            hasher.combine(point)
            hasher.combine(digits)
        } else {
            hasher.combine(double.isNaN ? Double.nan.bitPattern : double.bitPattern)
        }
    }

    /// Exact for finite values; like `Double` (NaN is unordered) otherwise.
    public static func < (lhs: ExactNumber, rhs: ExactNumber) -> Bool {
        guard lhs.isFinite, rhs.isFinite else { return lhs.double < rhs.double }
        if lhs.signum != rhs.signum { return lhs.signum < rhs.signum }
        let magnitudeLess = lhs.point != rhs.point
            ? lhs.point < rhs.point
            : lhs.digits.lexicographicallyPrecedes(rhs.digits)
        let magnitudeEqual = lhs.point == rhs.point && lhs.digits == rhs.digits
        return lhs.isNegative ? !magnitudeLess && !magnitudeEqual : magnitudeLess
    }

    private var signum: Int { digits.isEmpty ? 0 : (isNegative ? -1 : 1) }
}
