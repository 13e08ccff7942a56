import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import StepUpCore

/// The fields of a request body the gateway decides on: a JSON object's top-level values, or a form's fields.
///
/// JSON numbers keep every digit (as in `POST /v1/decisions`); form values that read as numbers become numbers,
/// the rest strings. Nested JSON objects are not fields (a rule cannot name them). Anything else is refused:
/// a body the gateway cannot read must not reach the application undecided.
enum GatewayBody {
    static func fields(_ body: ByteBuffer, contentType: String?) throws -> Attributes {
        let media = contentType.flatMap(MediaType.init(from:))
        if let media, media.isType(.applicationJson) || media.subType.hasSuffix("+json") {
            return try json(body)
        }
        if let media, media.isType(.applicationUrlEncoded) {
            return form(String(buffer: body))
        }
        throw Problem(.unsupportedMediaType, type: "unsupported-media-type", title: "Unsupported media type",
                      detail: "this route decides on the request body: send application/json or "
                          + "application/x-www-form-urlencoded")
    }

    private struct Field: Decodable {
        let value: AttributeValue?
        init(from decoder: any Decoder) throws { value = try? AttributeValue(from: decoder) }
    }

    private static func json(_ body: ByteBuffer) throws -> Attributes {
        if body.readableBytes == 0 { return [:] }
        guard ExactNumber.jsonNumbersFit(body.readableBytesView) else {
            throw Problem.invalidBody("numbers may have at most \(ExactNumber.maxJSONDigits) significant digits")
        }
        guard let object = try? JSONDecoder().decode([String: Field].self, from: Data(body.readableBytesView)) else {
            throw Problem.invalidBody("the body must be a JSON object")
        }
        return object.compactMapValues(\.value)
    }

    private static func form(_ text: String) -> Attributes {
        var fields: Attributes = [:]
        for pair in text.split(separator: "&").prefix(1_000) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let decode = { (part: Substring) in
                String(part).replacingOccurrences(of: "+", with: " ").removingPercentEncoding
            }
            guard let name = decode(parts[0]), !name.isEmpty, fields[name] == nil,
                  let value = parts.count > 1 ? decode(parts[1]) : "" else { continue }
            fields[name] = ExactNumber(parsing: value).map(AttributeValue.number) ?? .string(value)
        }
        return fields
    }
}
