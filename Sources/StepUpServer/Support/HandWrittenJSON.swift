import Foundation
import StepUpCore

/// JSON written by hand for the hottest responses: `JSONEncoder` costs as much as the decision itself.
///
/// Objects print their members sorted by key and leave out absent ones, as the API's encoder does
/// (`.sortedKeys`, `encodeIfPresent`); strings use Core's JSON escaping; dates are ISO 8601 in whole seconds
/// (`.iso8601`). Tests compare every view both ways.
indirect enum HandWrittenJSON {
    case string(String)
    case integer(Int)
    case bool(Bool)
    case array([HandWrittenJSON])
    case object([(String, HandWrittenJSON?)])

    static func date(_ date: Date) -> HandWrittenJSON {
        .string(ISO8601Seconds.text(date))
    }

    static func strings(_ values: [String]) -> HandWrittenJSON {
        .array(values.map(HandWrittenJSON.string))
    }

    static func dictionary(_ values: [String: String]) -> HandWrittenJSON {
        .object(values.map { ($0.key, .string($0.value)) })
    }

    var text: String {
        var out = ""
        write(into: &out)
        return out
    }

    func write(into out: inout String) {
        switch self {
        case .string(let value): CanonicalJSONText.appendQuoted(value, to: &out)
        case .integer(let value): out += String(value)
        case .bool(let value): out += value ? "true" : "false"
        case .array(let items):
            out += "["
            for (index, item) in items.enumerated() {
                if index > 0 { out += "," }
                item.write(into: &out)
            }
            out += "]"
        case .object(let members):
            out += "{"
            var first = true
            // Byte order: the same as `String`'s for the ASCII keys written here, at a fraction of the cost.
            for (key, value) in members.sorted(by: { $0.0.utf8.lexicographicallyPrecedes($1.0.utf8) }) {
                guard let value else { continue }
                if !first { out += "," }
                first = false
                CanonicalJSONText.appendQuoted(key, to: &out)
                out += ":"
                value.write(into: &out)
            }
            out += "}"
        }
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
    var handWritten: String? {
        guard explanation == nil, risk.score == nil else { return nil }
        let signals = risk.signals.map { signal -> HandWrittenJSON? in
            guard signal.weight == nil, signal.evidence == nil else { return nil }
            return .object([("name", .string(signal.name))])
        }
        guard !signals.contains(where: { $0 == nil }) else { return nil }
        let requirementJSON = requirement.map { requirement -> HandWrittenJSON in
            .object([
                ("level", .string(requirement.level)), ("acr", requirement.acr.map(HandWrittenJSON.string)),
                ("max_age", requirement.maxAge.map(HandWrittenJSON.integer)),
                ("allowed_factors", requirement.allowedFactors.map(HandWrittenJSON.strings)),
                ("bind", .strings(requirement.bind)),
            ])
        }
        return HandWrittenJSON.object([
            ("decision_id", .string(decisionID)), ("decision", .string(decision)), ("reason", .string(reason)),
            ("rules", .strings(rules)), ("policy_version", .string(policyVersion)),
            ("risk", .object([("band", .string(risk.band)), ("signals", .array(signals.compactMap { $0 }))])),
            ("requirement", requirementJSON), ("challenge", challenge.map(\.handWritten)),
        ]).text
    }
}

extension ChallengeView {
    var handWritten: HandWrittenJSON {
        .object([
            ("id", .string(id)), ("status", .string(status)), ("action", .string(action)), ("level", .string(level)),
            ("acr", acr.map(HandWrittenJSON.string)), ("max_age", maxAge.map(HandWrittenJSON.integer)),
            ("allowed_factors", allowedFactors.map(HandWrittenJSON.strings)),
            ("available_factors", .strings(availableFactors)), ("message", message.map(HandWrittenJSON.string)),
            ("display", .dictionary(display)), ("expires_at", .date(expiresAt)),
            ("attempts_left", .integer(attemptsLeft)), ("password_required", .bool(passwordRequired)),
            ("verify_url", .string(verifyURL)), ("webauthn_options_url", webAuthnURL.map(HandWrittenJSON.string)),
            ("codes_url", codesURL.map(HandWrittenJSON.string)),
            ("page_url", .string(pageURL)),
        ])
    }
}
