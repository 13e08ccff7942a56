import Crypto
import Foundation
import StepUpCore

/// The audit log's hash chain, shared by every backend so that a log written by one verifies in another.
///
/// `hash = hex(SHA-256(previousHash || canonicalJSON(sequence, event)))`, where the first event's
/// `previousHash` is ``genesisHash``. Times are hashed as integer milliseconds since 1970, and appended events
/// have their time rounded to the millisecond first, so that a value read back from any database (which may
/// store a double) hashes the same as when it was written.
public enum AuditChain {
    /// The `previousHash` of the first event: 64 zeros.
    public static let genesisHash = String(repeating: "0", count: 64)

    /// Milliseconds since 1970, rounded to nearest (so a value read back from a double column, off by far less
    /// than half a millisecond, maps to the same integer), saturating instead of trapping on absurd dates.
    static func milliseconds(_ date: Date) -> Int64 {
        let millis = (date.timeIntervalSince1970 * 1000).rounded()
        guard millis.isFinite else { return 0 }
        if millis >= 9.2e18 { return Int64.max }
        if millis <= -9.2e18 { return Int64.min }
        return Int64(millis)
    }

    /// `date` rounded to whole milliseconds: what the chain commits to.
    public static func normalized(_ date: Date) -> Date {
        Date(timeIntervalSince1970: Double(milliseconds(date)) / 1000)
    }

    /// The canonical JSON (RFC 8785 subset) of an event at a sequence number; absent fields are omitted.
    ///
    /// Written directly with the members in their canonical (sorted) order — every append hashes one — and
    /// checked against the generic writer (``genericCanonicalJSON(sequence:event:)``) by the test suite.
    public static func canonicalJSON(sequence: Int64, event: AuditEventDraft, detailsText: String? = nil) -> String {
        var out = "{\"at\":"
        out += String(milliseconds(event.at))
        out += ",\"details\":"
        out += detailsText ?? Self.detailsText(event.details)
        func member(_ name: String, _ value: String?) {
            guard let value else { return }
            out += ",\"" + name + "\":"
            CanonicalJSONText.appendQuoted(value, to: &out)
        }
        member("ip", event.ip)
        member("policyVersion", event.policyVersion)
        out += ",\"sequence\":" + String(sequence)
        member("sessionID", event.sessionID)
        member("type", event.type)
        member("userID", event.userID)
        return out + "}"
    }

    /// The canonical JSON of an event's details: also what the `details` column stores, so a writer that has it
    /// need not write it twice.
    public static func detailsText(_ details: [String: String]) -> String {
        var out = "{"
        for (index, key) in canonicalOrder(details.keys).enumerated() {
            if index > 0 { out += "," }
            CanonicalJSONText.appendQuoted(key, to: &out)
            out += ":"
            CanonicalJSONText.appendQuoted(details[key] ?? "", to: &out)
        }
        return out + "}"
    }

    /// Keys in JCS order (UTF-16 code units). For keys below U+E000 — every key StepUp writes — that is UTF-8 byte
    /// order, which compares without transcoding.
    static func canonicalOrder(_ keys: Dictionary<String, String>.Keys) -> [String] {
        var keys = Array(keys)
        if keys.allSatisfy({ $0.utf8.allSatisfy { $0 < 0xEE } }) {
            keys.sort { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        } else {
            keys.sort { $0.utf16.lexicographicallyPrecedes($1.utf16) }
        }
        return keys
    }

    /// The same text through the generic canonical writer: the reference the fast writer is tested against.
    public static func genericCanonicalJSON(sequence: Int64, event: AuditEventDraft) -> String {
        var members: [String: CanonicalJSON.Value] = [
            "sequence": .integer(sequence),
            "type": .string(event.type),
            "at": .integer(milliseconds(event.at)),
            "details": .object(event.details.mapValues { .string($0) }),
        ]
        if let userID = event.userID { members["userID"] = .string(userID) }
        if let sessionID = event.sessionID { members["sessionID"] = .string(sessionID) }
        if let ip = event.ip { members["ip"] = .string(ip) }
        if let policyVersion = event.policyVersion { members["policyVersion"] = .string(policyVersion) }
        return CanonicalJSON.serialize(.object(members))
    }

    /// The chain hash of an event given its predecessor's hash.
    public static func hash(previousHash: String, sequence: Int64, event: AuditEventDraft,
                            detailsText: String? = nil) -> String {
        var hasher = SHA256()
        hasher.update(text: previousHash)
        hasher.update(text: canonicalJSON(sequence: sequence, event: event, detailsText: detailsText))
        return hasher.finalize().withUnsafeBytes(Hex.lowercase)
    }

    /// Builds the next event of a chain whose last event is `head` (`nil` for an empty log).
    /// `detailsText`, when given, must be ``detailsText(_:)`` of the draft's details.
    public static func next(after head: (sequence: Int64, hash: String)?, _ draft: AuditEventDraft,
                            detailsText: String? = nil) -> AuditEvent {
        var event = draft
        event.at = normalized(draft.at)
        let sequence = (head?.sequence ?? 0) + 1
        let previous = head?.hash ?? genesisHash
        return AuditEvent(sequence: sequence, event: event, previousHash: previous,
                          hash: hash(previousHash: previous, sequence: sequence, event: event,
                                     detailsText: detailsText))
    }
}

extension SHA256 {
    /// Hashes a string's UTF-8 bytes in place (no copy into `Data`).
    mutating func update(text: String) {
        var text = text
        text.withUTF8 { update(bufferPointer: UnsafeRawBufferPointer($0)) }
    }
}
