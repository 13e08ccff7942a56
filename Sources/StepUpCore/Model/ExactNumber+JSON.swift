extension ExactNumber {
    /// The most significant digits a JSON number may have for ``AttributeValue`` decoding to be exact.
    public static let maxJSONDigits = 37

    /// Whether every number in a JSON text has at most ``maxJSONDigits`` significant digits.
    ///
    /// Why: `JSONDecoder` truncates a longer mantissa before ``AttributeValue`` sees it, and when the lost tail
    /// follows zeros (`1.0000000000000000000000000000000000000001` arrives as `1`) the decoded value cannot tell.
    /// A server that decodes attributes with `JSONDecoder` checks the body with this first and refuses it when
    /// false. Digits inside strings do not count; leading and trailing zeros are not significant.
    ///
    /// ```swift
    /// guard ExactNumber.jsonNumbersFit(body) else { throw Problem.badRequest("a number has too many digits") }
    /// ```
    public static func jsonNumbersFit(_ json: some Sequence<UInt8>) -> Bool {
        // Called across modules, so unspecialized: scanning contiguous bytes directly spares a witness call (and
        // a heap-boxed iterator step) per byte.
        if let fits = json.withContiguousStorageIfAvailable({ numbersFit($0) }) { return fits }
        return numbersFit(json)
    }

    private static func numbersFit(_ json: some Sequence<UInt8>) -> Bool {
        var inString = false, escaped = false
        var inNumber = false, inExponent = false, started = false
        var significant = 0, pendingZeros = 0
        for byte in json {
            if inString {
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true }
                else if byte == UInt8(ascii: "\"") { inString = false }
                continue
            }
            let isDigit = (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
            if !inNumber {
                guard isDigit || byte == UInt8(ascii: "-") else {
                    if byte == UInt8(ascii: "\"") { inString = true }
                    continue
                }
                (inNumber, inExponent, started, significant, pendingZeros) = (true, false, false, 0, 0)
            }
            if isDigit, !inExponent {
                if byte != UInt8(ascii: "0") {
                    significant += started ? pendingZeros + 1 : 1
                    started = true
                    pendingZeros = 0
                    guard significant <= maxJSONDigits else { return false }
                } else if started {
                    pendingZeros += 1
                }
            } else if byte | 0x20 == UInt8(ascii: "e") {
                inExponent = true
            } else if !isDigit, byte != UInt8(ascii: "+"), byte != UInt8(ascii: "-"), byte != UInt8(ascii: ".") {
                inNumber = false
                if byte == UInt8(ascii: "\"") { inString = true }
            }
        }
        return true
    }
}
