import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

extension Response {
    /// A JSON response with ISO 8601 dates, sorted keys and `Cache-Control: no-store`.
    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let data = try sortedEncoder.encode(value)
        return Response(status: status,
                        headers: [.contentType: "application/json", .cacheControl: "no-store"],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// A JSON response from bytes already written (see ``JSONWriter``).
    static func json(bytes: [UInt8], status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: jsonHeaders, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// The API's encoder: ISO 8601 dates, sorted keys, slashes as they are.
    static var sortedEncoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// Built once: a header literal is parsed into fields each time it is evaluated.
    private static let jsonHeaders: HTTPFields = [.contentType: "application/json", .cacheControl: "no-store"]
}
