import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// An RFC 9457 problem: every API error StepUp returns.
///
/// `type` is a stable URI per kind of problem, so clients can branch on it; `detail` says what to do next.
public struct Problem: Error, HTTPResponseError, Sendable {
    /// An extension member's value: numbers stay numbers (`"attempts_left": 4`), as in every other StepUp answer.
    public enum Member: Sendable, Hashable, Encodable {
        case string(String)
        case int(Int)

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .string(let value): try container.encode(value)
            case .int(let value): try container.encode(value)
            }
        }
    }

    public var status: HTTPResponse.Status
    public var type: String
    public var title: String
    public var detail: String
    /// Extension members (e.g. `attempts_left`, `retry_after`).
    public var extra: [String: Member]
    public var headers: HTTPFields

    public init(_ status: HTTPResponse.Status, type: String, title: String, detail: String,
                extra: [String: Member] = [:], headers: HTTPFields = [:]) {
        self.status = status
        self.type = "https://stepup.dev/problems/" + type
        self.title = title
        self.detail = detail
        self.extra = extra
        self.headers = headers
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        response()
    }

    /// The problem as an `application/problem+json` response.
    func response() -> Response {
        var object = extra
        object["type"] = .string(type)
        object["title"] = .string(title)
        object["detail"] = .string(detail)
        object["status"] = .int(Int(status.code))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let json = (try? encoder.encode(object)) ?? Data("{}".utf8)
        var fields = headers
        fields[.contentType] = "application/problem+json"
        fields[.cacheControl] = "no-store"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: json)))
    }
}

extension Problem {
    public static func badRequest(_ detail: String) -> Problem {
        Problem(.badRequest, type: "bad-request", title: "Bad request", detail: detail)
    }
    public static func invalidBody(_ detail: String) -> Problem {
        Problem(.badRequest, type: "invalid-body", title: "The request body is not valid", detail: detail)
    }
    public static let unsupportedMediaType = Problem(
        .unsupportedMediaType, type: "unsupported-media-type", title: "Unsupported media type",
        detail: "send the request body as application/json"
    )
    public static func tooLarge(_ limit: Int) -> Problem {
        Problem(.contentTooLarge, type: "body-too-large", title: "Request body too large",
                detail: "the body must be at most \(limit) bytes")
    }
    public static let unauthenticated = Problem(
        .unauthorized, type: "unauthenticated", title: "Not signed in",
        detail: "sign in with POST /v1/sessions and send the token as 'Authorization: Bearer <token>'",
        headers: [.wwwAuthenticate: "Bearer realm=\"stepup\""]
    )
    public static func notFound(_ what: String) -> Problem {
        Problem(.notFound, type: "not-found", title: "Not found", detail: "\(what) does not exist or is not yours")
    }
    public static func forbidden(_ detail: String) -> Problem {
        Problem(.forbidden, type: "forbidden", title: "Forbidden", detail: detail)
    }
    public static func conflict(_ detail: String) -> Problem {
        Problem(.conflict, type: "conflict", title: "Conflict", detail: detail)
    }
    public static let internalError = Problem(
        .internalServerError, type: "internal", title: "Internal error",
        detail: "something went wrong on our side; it has been logged"
    )
}
