import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import StepUpCore

extension Request {
    /// Decodes a JSON body, or throws a ``Problem`` that says exactly what is wrong with it.
    /// `application/json` (the usual header, checked without parsing), or any JSON media type.
    static func isJSON(_ contentType: String) -> Bool {
        if contentType == "application/json" { return true }
        guard let media = MediaType(from: contentType) else { return false }
        return media.isType(.applicationJson) || media.subType.hasSuffix("+json")
    }

    func decodeJSON<T: Decodable>(_ type: T.Type, context: StepUpRequestContext) async throws -> T {
        guard let contentType = headers[.contentType], Self.isJSON(contentType) else {
            throw Problem.unsupportedMediaType
        }
        let buffer: ByteBuffer
        do {
            buffer = try await body.collect(upTo: context.maxUploadSize)
        } catch {
            throw Problem.tooLarge(context.maxUploadSize)
        }
        // JSONDecoder would silently cut longer numbers to 38 digits: refuse them instead of deciding on a
        // different amount than the client sent.
        guard ExactNumber.jsonNumbersFit(buffer.readableBytesView) else {
            throw Problem.invalidBody("numbers may have at most \(ExactNumber.maxJSONDigits) significant digits")
        }
        if let flat = T.self as? any FlatJSONDecodable.Type, let body = flat.flat(buffer.readableBytesView) as? T {
            return body
        }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        do {
            return try decoder.decode(T.self, from: Data(buffer.readableBytesView))
        } catch let error as DecodingError {
            throw Problem.invalidBody(Self.describe(error))
        } catch {
            throw Problem.invalidBody("the body is not valid JSON")
        }
    }

    /// Decodes an `application/x-www-form-urlencoded` body into a dictionary.
    func formFields(context: StepUpRequestContext) async throws -> [String: String] {
        let buffer: ByteBuffer
        do {
            buffer = try await body.collect(upTo: context.maxUploadSize)
        } catch {
            throw Problem.tooLarge(context.maxUploadSize)
        }
        var fields: [String: String] = [:]
        for pair in String(buffer: buffer).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ part: Substring) -> String {
                String(part).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            guard let name = parts.first else { continue }
            fields[decode(name)] = parts.count > 1 ? decode(parts[1]) : ""
        }
        return fields
    }

    private static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let path = context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
            return path.isEmpty ? "the body" : "'\(path)'"
        }
        switch error {
        case .keyNotFound(let key, let context):
            let parent = context.codingPath.isEmpty ? "" : " in " + path(context)
            return "missing field '\(key.stringValue)'\(parent)"
        case .typeMismatch(let type, let context):
            return "\(path(context)) has the wrong type (expected \(Self.typeName(type)))"
        case .valueNotFound(let type, let context):
            return "\(path(context)) must not be null (expected \(Self.typeName(type)))"
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty { return "the body is not valid JSON" }
            return "\(path(context)) is not valid: \(context.debugDescription)"
        @unknown default:
            return "the body is not valid"
        }
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Int.Type, is Double.Type, is Int64.Type: return "a number"
        case is Bool.Type: return "a boolean"
        default: return "an object or array"
        }
    }
}

/// A body type with a fast reading of its commonest shape (see ``FlatJSONObject``); nil hands it to `JSONDecoder`.
protocol FlatJSONDecodable {
    static func flat(_ bytes: ByteBufferView) -> Self?
}
