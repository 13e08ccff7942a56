import Foundation
import StepUpCore

/// JSON written by hand, as bytes, for the hottest responses: `JSONEncoder` costs as much as the decision itself.
///
/// Callers write each object's members in key order and leave out absent ones, as the API's encoder does
/// (`.sortedKeys`, `encodeIfPresent`); strings use Core's JSON escaping (RFC 8785), dates are ISO 8601 in whole
/// seconds (`.iso8601`). Tests compare every view both ways.
struct JSONWriter {
    private(set) var bytes: [UInt8] = []
    /// Whether the next member or element needs a comma before it.
    private var separated = false

    init(capacity: Int = 512) { bytes.reserveCapacity(capacity) }

    mutating func object(_ members: (inout JSONWriter) -> Void) {
        container(UInt8(ascii: "{"), UInt8(ascii: "}"), members)
    }

    mutating func array(_ elements: (inout JSONWriter) -> Void) {
        container(UInt8(ascii: "["), UInt8(ascii: "]"), elements)
    }

    private mutating func container(_ open: UInt8, _ close: UInt8, _ body: (inout JSONWriter) -> Void) {
        bytes.append(open)
        let outer = separated
        separated = false
        body(&self)
        separated = outer
        bytes.append(close)
    }

    /// A member's key; its value follows.
    mutating func key(_ key: StaticString) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        key.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
    }

    /// An array element's separator; its value follows.
    mutating func element() { separate() }

    private mutating func separate() {
        if separated { bytes.append(UInt8(ascii: ",")) }
        separated = true
    }

    mutating func string(_ value: String) {
        var value = value
        value.withUTF8 { CanonicalJSONText.appendQuoted(utf8: $0, to: &bytes) }
    }

    mutating func integer(_ value: Int) { bytes.append(contentsOf: String(value).utf8) }

    mutating func bool(_ value: Bool) { bytes.append(contentsOf: (value ? "true" : "false").utf8) }

    mutating func date(_ value: Date) { string(ISO8601Seconds.text(value)) }

    mutating func strings(_ values: [String]) {
        array { for value in values { $0.element(); $0.string(value) } }
    }

    /// A string-to-string map, members in byte order of their keys.
    mutating func dictionary(_ values: [String: String]) {
        object { writer in
            for key in values.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
                writer.separate()
                writer.string(key)
                writer.bytes.append(UInt8(ascii: ":"))
                writer.string(values[key] ?? "")
            }
        }
    }

    // Optional members: absent values are left out.

    mutating func member(_ name: StaticString, _ value: String?) {
        guard let value else { return }
        key(name)
        string(value)
    }

    mutating func member(_ name: StaticString, _ value: Int?) {
        guard let value else { return }
        key(name)
        integer(value)
    }

    mutating func member(_ name: StaticString, strings value: [String]?) {
        guard let value else { return }
        key(name)
        strings(value)
    }
}

/// `yyyy-MM-ddTHH:mm:ssZ` in UTC, what `JSONEncoder`'s `.iso8601` writes.
enum ISO8601Seconds {
    static func text(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : String(value) }
        let year = Int(parts.tm_year) + 1900
        let yearText = year >= 0 && year < 1000 ? String(repeating: "0", count: 4 - String(year).count) + String(year)
            : String(year)
        return "\(yearText)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T\(two(parts.tm_hour)):"
            + "\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
    }
}

extension DecisionView {
    /// The view as JSON without `JSONEncoder`; `nil` for explained decisions (rare, administrators only).
    var handWritten: [UInt8]? {
        guard explanation == nil, risk.score == nil,
              risk.signals.allSatisfy({ $0.weight == nil && $0.evidence == nil }) else { return nil }
        var json = JSONWriter()
        json.object { json in
            if let challenge {
                json.key("challenge")
                challenge.write(into: &json)
            }
            json.member("decision", decision)
            json.member("decision_id", decisionID)
            json.member("policy_version", policyVersion)
            json.member("reason", reason)
            if let requirement {
                json.key("requirement")
                json.object { json in
                    json.member("acr", requirement.acr)
                    json.member("allowed_factors", strings: requirement.allowedFactors)
                    json.member("bind", strings: requirement.bind)
                    json.member("level", requirement.level)
                    json.member("max_age", requirement.maxAge)
                }
            }
            json.key("risk")
            json.object { json in
                json.member("band", risk.band)
                json.key("signals")
                json.array { json in
                    for signal in risk.signals {
                        json.element()
                        json.object { $0.member("name", signal.name) }
                    }
                }
            }
            json.member("rules", strings: rules)
        }
        return json.bytes
    }
}

extension ChallengeView {
    func write(into json: inout JSONWriter) {
        json.object { json in
            json.member("acr", acr)
            json.member("action", action)
            json.member("allowed_factors", strings: allowedFactors)
            json.key("attempts_left")
            json.integer(attemptsLeft)
            json.member("available_factors", strings: availableFactors)
            json.member("codes_url", codesURL)
            json.key("display")
            json.dictionary(display)
            json.key("expires_at")
            json.date(expiresAt)
            json.member("id", id)
            json.member("level", level)
            json.member("max_age", maxAge)
            json.member("message", message)
            json.member("page_url", pageURL)
            json.key("password_required")
            json.bool(passwordRequired)
            json.member("status", status)
            json.member("verify_url", verifyURL)
            json.member("webauthn_options_url", webAuthnURL)
        }
    }
}
