import Foundation

/// Number and duration wording for evidence strings ("6,100 km", "2 h ago"), locale-independent so audit
/// records read the same on every server.
enum RiskEvidence {
    /// Distances: exact below 100 km, to 10 km below 1,000 km, to 100 km above.
    static func km(_ value: Double) -> String {
        guard value.isFinite else { return "? km" }
        let step: Double = value < 100 ? 1 : value < 1000 ? 10 : 100
        return grouped(Int((value / step).rounded() * step)) + " km"
    }

    /// 1234567 → "1,234,567".
    static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(digit)
        }
        return value < 0 ? "-" + out : out
    }

    /// "45 s", "12 min", "2 h", "3 d".
    static func duration(_ seconds: TimeInterval) -> String {
        guard seconds.isFinite else { return "?" }
        let value = max(0, seconds)
        if value < 60 { return "\(Int(value)) s" }
        if value < 3600 { return "\(Int(value / 60)) min" }
        if value < 86400 * 2 { return "\(Int(value / 3600)) h" }
        return "\(Int(min(value / 86400, 1e9))) d"
    }

    /// "03:00".
    static func hour(_ hour: Int) -> String { hour < 10 ? "0\(hour):00" : "\(hour):00" }
}
