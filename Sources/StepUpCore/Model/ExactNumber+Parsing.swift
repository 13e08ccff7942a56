extension ExactNumber {
    /// Parses decimal text exactly: an optional sign, digits with an optional `.` fraction (`.5` and `5.` too),
    /// and an optional exponent (`1.5e3`, `2E-7`). Leading zeros are allowed (`007` is 7).
    ///
    /// Returns nil for anything else (`NaN`, `inf`, hexadecimal, spaces, underscores) and for values that would
    /// need more than ``maxDigits`` significant digits, an exponent beyond ±``maxPoint``, or overflow a `Double`:
    /// refusing is safer than rounding.
    public init?(parsing text: some StringProtocol) {
        let bytes = Array(text.utf8)
        var index = 0
        var negative = false
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") {
            negative = bytes[index] == UInt8(ascii: "-")
            index += 1
        }
        var mantissa: [UInt8] = []
        var integerDigits = 0
        var sawPoint = false
        while index < bytes.count {
            let byte = bytes[index]
            if Self.isDigit(byte) {
                mantissa.append(byte)
                if !sawPoint { integerDigits += 1 }
            } else if byte == UInt8(ascii: "."), !sawPoint {
                sawPoint = true
            } else {
                break
            }
            index += 1
        }
        guard !mantissa.isEmpty, mantissa.count <= 10_000 else { return nil }
        var exponent = 0
        if index < bytes.count, bytes[index] | 0x20 == UInt8(ascii: "e") {
            index += 1
            var exponentNegative = false
            if index < bytes.count, bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") {
                exponentNegative = bytes[index] == UInt8(ascii: "-")
                index += 1
            }
            let start = index
            while index < bytes.count, Self.isDigit(bytes[index]) {
                // Saturate: anything this large is refused below anyway.
                exponent = min(exponent * 10 + Int(bytes[index] - UInt8(ascii: "0")), 1_000_000)
                index += 1
            }
            guard index > start else { return nil }
            if exponentNegative { exponent = -exponent }
        }
        guard index == bytes.count else { return nil }
        // Leading zeros move the point left; trailing zeros do not change the value.
        var point = integerDigits + exponent
        let firstNonZero = mantissa.firstIndex { $0 != UInt8(ascii: "0") } ?? mantissa.count
        point -= firstNonZero
        var digits = Array(mantissa[firstNonZero...])
        while digits.last == UInt8(ascii: "0") { digits.removeLast() }
        guard digits.count <= Self.maxDigits, digits.isEmpty || abs(point) <= Self.maxPoint else { return nil }
        self.init(digits: digits, point: point, isNegative: negative)
    }

    private static func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }
}
