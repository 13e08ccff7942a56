import Foundation
import StepUpCore

/// A tiny deterministic JSON writer for the audit hash chain.
///
/// Why not `JSONEncoder`: its output (number formatting, escaping, key order) is not specified and may change
/// between Foundation versions, which would silently break verification of old chains. This writer follows
/// RFC 8785 (JCS) for the subset the audit log needs: objects with sorted keys, strings and integers.
enum CanonicalJSON {
    /// A JSON value restricted to what the audit log hashes.
    enum Value {
        case string(String)
        case integer(Int64)
        case object([String: Value])
    }

    /// The audit's subset written by Core's one RFC 8785 writer (integers print as their digits, so chains
    /// written before it verify unchanged).
    static func serialize(_ value: Value) -> String {
        CanonicalJSONText.text(canonical(value))
    }

    private static func canonical(_ value: Value) -> CanonicalJSONText.Value {
        switch value {
        case .string(let string): return .attribute(.string(string))
        case .integer(let number): return .attribute(.number(ExactNumber(number)))
        case .object(let members): return .object(members.mapValues(canonical))
        }
    }
}
