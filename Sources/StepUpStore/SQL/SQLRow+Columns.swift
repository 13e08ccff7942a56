import Foundation
import SQLKit
import StepUpCore

/// Column conventions shared by every table: times as seconds since 1970, structured values as JSON text.
extension SQLRow {
    func string(_ column: String) throws -> String {
        try decode(column: column, as: String.self)
    }

    func optionalString(_ column: String) throws -> String? {
        try decodeNil(column: column) ? nil : decode(column: column, as: String.self)
    }

    func int64(_ column: String) throws -> Int64 {
        try decode(column: column, as: Int64.self)
    }

    func optionalInt64(_ column: String) throws -> Int64? {
        try decodeNil(column: column) ? nil : decode(column: column, as: Int64.self)
    }

    func bool(_ column: String) throws -> Bool {
        try decode(column: column, as: Bool.self)
    }

    func date(_ column: String) throws -> Date {
        Date(timeIntervalSince1970: try decode(column: column, as: Double.self))
    }

    func optionalDate(_ column: String) throws -> Date? {
        try decodeNil(column: column) ? nil : date(column)
    }

    func data(_ column: String) throws -> Data {
        try decode(column: column, as: Data.self)
    }

    func optionalData(_ column: String) throws -> Data? {
        try decodeNil(column: column) ? nil : data(column)
    }

    /// Decodes a JSON text column; a malformed value is a backend error, not a crash.
    func optionalJSON<T: Decodable>(_ column: String, as type: T.Type) throws -> T? {
        try decodeNil(column: column) ? nil : json(column, as: type)
    }

    func json<T: Decodable>(_ column: String, as type: T.Type) throws -> T {
        let text = try string(column)
        do {
            return try JSONDecoder().decode(T.self, from: Data(text.utf8))
        } catch {
            throw StoreError.backend("column \(column) holds malformed JSON: \(error)")
        }
    }
}

extension Date {
    /// The stored form of a time.
    var sqlSeconds: Double { timeIntervalSince1970 }
}

/// JSON text for a column; sorted keys so equal values store equal text.
func jsonText(_ value: some Encodable) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    return String(decoding: try encoder.encode(value), as: UTF8.self)
}
