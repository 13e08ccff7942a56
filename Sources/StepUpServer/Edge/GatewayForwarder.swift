import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOHTTP1

/// Sends an allowed request to its upstream and streams the answer back, neither body buffered.
///
/// What the client sent about identity never reaches the upstream: the configured identity headers, every
/// `StepUp-*` header, `X-Forwarded-*` and StepUp's session cookie are dropped, and the gateway adds its own
/// identity headers and `X-Forwarded-For`, `-Host` and `-Proto`. Hop-by-hop headers stay on their hop.
struct GatewayForwarder: Sendable {
    let client: GatewayClient
    let timeout: TimeInterval
    let strippedNames: Set<String>

    init(client: GatewayClient, timeout: TimeInterval, identity: IdentityHeaders) {
        self.client = client
        self.timeout = timeout
        strippedNames = Set(identity.names.map { $0.canonicalName })
    }

    static let hopByHop: Set<String> = [
        "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "proxy-connection", "te", "trailer",
        "transfer-encoding", "upgrade", "host", "content-length",
    ]

    /// Upstream answers up to this many bytes, with a `Content-Length`, are read whole before they are sent on.
    static let wholeAnswerLimit = 64 * 1024

    enum Body {
        case none
        case buffered(ByteBuffer)
        case stream(RequestBody, length: Int?)
    }

    func forward(method: HTTPRequest.Method, url: String, headers: HTTPFields, body: Body, host: String,
                 scheme: String, clientIP: String?, identity: [(HTTPField.Name, String)]) async -> Response {
        var upstream = HTTPClientRequest(url: url)
        upstream.method = HTTPMethod(rawValue: method.rawValue)
        for field in headers {
            let name = field.name.canonicalName
            if Self.hopByHop.contains(name) || strippedNames.contains(name) || name.hasPrefix("stepup-")
                || name.hasPrefix("x-forwarded-") || name == "forwarded" || name == "x-real-ip" { continue }
            if name == "cookie" {
                let kept = field.value.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
                    .filter { !$0.hasPrefix(WebSupport.sessionCookie + "=") }
                if !kept.isEmpty { upstream.headers.add(name: "Cookie", value: kept.joined(separator: "; ")) }
                continue
            }
            upstream.headers.add(name: field.name.rawName, value: field.value)
        }
        upstream.headers.replaceOrAdd(name: "Host", value: host)
        if let clientIP { upstream.headers.replaceOrAdd(name: "X-Forwarded-For", value: clientIP) }
        upstream.headers.replaceOrAdd(name: "X-Forwarded-Host", value: host)
        upstream.headers.replaceOrAdd(name: "X-Forwarded-Proto", value: scheme)
        for (name, value) in identity where !value.isEmpty { upstream.headers.replaceOrAdd(name: name.rawName, value: value) }
        switch body {
        case .none: break
        case .buffered(let buffer): upstream.body = .bytes(buffer)
        case .stream(let stream, let length):
            upstream.body = .stream(stream, length: length.map { .known(Int64($0)) } ?? .unknown)
        }
        let answer: HTTPClientResponse
        do {
            answer = try await client.http.execute(upstream, timeout: .seconds(Int64(timeout)))
        } catch {
            return failure(error).response()
        }
        var fields = HTTPFields()
        for header in answer.headers {
            let name = header.name.lowercased()
            guard !Self.hopByHop.contains(name) || name == "content-length", let field = HTTPField.Name(header.name)
            else { continue }
            fields.append(HTTPField(name: field, value: header.value))
        }
        let status = HTTPResponse.Status(code: Int(answer.status.code), reasonPhrase: answer.status.reasonPhrase)
        // A small answer of known length is read whole and sent in one write with its head (most API and page
        // answers): streaming it would cost a hop between the client's loop and this task per part, and a write
        // of its own. Anything larger, or of unknown length, streams.
        if let length = answer.headers.first(name: "content-length").flatMap(Int.init),
           (0...Self.wholeAnswerLimit).contains(length)
        {
            do {
                let bytes = try await answer.body.collect(upTo: length)
                return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: bytes))
            } catch {
                return failure(error).response()
            }
        }
        return Response(status: status, headers: fields, body: ResponseBody(asyncSequence: answer.body))
    }

    /// An upstream that went quiet is 504, one that could not be reached or broke off 502 (problem+json).
    private func failure(_ error: any Error) -> Problem {
        if let error = error as? HTTPClientError,
           error == .deadlineExceeded || error == .connectTimeout || error == .readTimeout {
            return Problem(.gatewayTimeout, type: "upstream-timeout", title: "The application did not answer",
                           detail: "the upstream did not answer within \(Int(timeout)) s; try again later")
        }
        return Problem(.badGateway, type: "upstream-unavailable", title: "The application is unavailable",
                       detail: "the gateway could not reach the upstream, or its answer broke off; try again later")
    }
}
