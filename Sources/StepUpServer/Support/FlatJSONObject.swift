/// Reads the commonest request bodies — a flat JSON object of plain strings and booleans, such as
/// `{"action":"reports.view"}` — without `JSONDecoder`, which costs several times more than the rest of such a
/// request's parsing.
///
/// It is deliberately narrow: anything outside that shape (nesting, numbers, null, escapes, control characters,
/// invalid UTF-8, a repeated or unexpected member, trailing bytes) answers nil, and the caller decodes the body with
/// `JSONDecoder` as before. So it never accepts a body the decoder would refuse, and never reads one differently.
struct FlatJSONObject {
    enum Value: Equatable {
        case string(String)
        case bool(Bool)
    }

    /// The members of `bytes`, if it is such an object and names only members in `allowed`.
    static func parse(_ bytes: some Collection<UInt8>, allowed: Set<String>) -> [String: Value]? {
        var members: [String: Value] = [:]
        var index = bytes.startIndex
        func skipSpace() {
            while index != bytes.endIndex {
                switch bytes[index] {
                case 0x20, 0x09, 0x0A, 0x0D: bytes.formIndex(after: &index)
                default: return
                }
            }
        }
        func take(_ byte: UInt8) -> Bool {
            skipSpace()
            guard index != bytes.endIndex, bytes[index] == byte else { return false }
            bytes.formIndex(after: &index)
            return true
        }
        func string() -> String? {
            guard take(0x22) else { return nil }
            let start = index
            while index != bytes.endIndex {
                let byte = bytes[index]
                if byte == 0x22 {
                    let text = String(validating: bytes[start..<index], as: UTF8.self)
                    bytes.formIndex(after: &index)
                    return text
                }
                if byte == 0x5C || byte < 0x20 { return nil }  // escapes and control characters: the decoder's job
                bytes.formIndex(after: &index)
            }
            return nil
        }
        func literal(_ word: String) -> Bool {
            for byte in word.utf8 {
                guard index != bytes.endIndex, bytes[index] == byte else { return false }
                bytes.formIndex(after: &index)
            }
            return true
        }
        guard take(0x7B) else { return nil }
        if !take(0x7D) {
            repeat {
                guard let name = string(), allowed.contains(name), members[name] == nil, take(0x3A) else { return nil }
                skipSpace()
                guard index != bytes.endIndex else { return nil }
                switch bytes[index] {
                case 0x22:
                    guard let text = string() else { return nil }
                    members[name] = .string(text)
                case 0x74:
                    guard literal("true") else { return nil }
                    members[name] = .bool(true)
                case 0x66:
                    guard literal("false") else { return nil }
                    members[name] = .bool(false)
                default:
                    return nil
                }
            } while take(0x2C)
            guard take(0x7D) else { return nil }
        }
        skipSpace()
        return index == bytes.endIndex ? members : nil
    }
}
