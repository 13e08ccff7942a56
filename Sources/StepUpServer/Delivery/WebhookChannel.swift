import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// A message as an HTTP request built from a template (an SMS provider's API, a relay): the URL, headers and body
/// are configuration, so a Twilio-style API needs no code.
///
/// A 2xx answer is delivery. 4xx answers other than 408 and 429 are permanent (the request itself is wrong);
/// anything else is retried. The message's idempotency key goes in an `Idempotency-Key` header.
public struct WebhookChannel: MessageChannel {
    let settings: ServerConfiguration.Webhook
    let client: HTTPClient

    /// `${NAME}` in the URL and header values is replaced from `environment` now (secrets stay out of the file).
    public init(settings: ServerConfiguration.Webhook, environment: [String: String],
                client: HTTPClient = .shared) {
        var resolved = settings
        resolved.url = Self.expandEnvironment(settings.url, environment)
        resolved.headers = settings.headers.mapValues { Self.expandEnvironment($0, environment) }
        self.settings = resolved
        self.client = client
    }

    public func deliver(_ message: OutboundMessage) async throws {
        let values = ["to": message.to, "body": message.body, "idempotency_key": message.idempotencyKey]
        var request = HTTPClientRequest(url: Self.render(settings.url, values, escape: { Self.percentEncoded($0) }))
        request.method = HTTPMethod(rawValue: settings.method)
        for (name, value) in settings.headers.sorted(by: { $0.key < $1.key }) {
            request.headers.add(name: name, value: Self.render(value, values, escape: { (text: String) in text }))
        }
        request.headers.replaceOrAdd(name: "Idempotency-Key", value: message.idempotencyKey)
        if request.headers["Content-Type"].isEmpty {
            request.headers.add(name: "Content-Type", value: settings.format == .json
                ? "application/json" : "application/x-www-form-urlencoded")
        }
        let rendered = settings.format == .json
            ? Self.render(settings.body, values, escape: { Self.jsonString($0) })
            : Self.render(settings.body, values, escape: { Self.percentEncoded($0) })
        request.body = .bytes(ByteBuffer(string: rendered))
        let (code, text) = try await client.deliver(request, timeout: .milliseconds(Int64(settings.timeout * 1_000)),
                                                    label: "webhook \(request.url.prefix(80))")
        guard (200..<300).contains(code) else {
            throw DeliveryError("webhook answered \(code): \(text.prefix(200))",
                                permanent: (400..<500).contains(code) && code != 408 && code != 429)
        }
    }

    /// `template` with every `{{name}}` replaced by `escape(value)`; unknown names become empty.
    static func render(_ template: String, _ values: [String: String], escape: (String) -> String) -> String {
        var output = ""
        var rest = Substring(template)
        while let open = rest.range(of: "{{") {
            output += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].range(of: "}}") else {
                output += rest[open.lowerBound...]
                return output
            }
            let name = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            output += escape(values[name] ?? "")
            rest = rest[close.upperBound...]
        }
        return output + rest
    }

    /// A JSON string literal, quotes included.
    static func jsonString(_ text: String) -> String {
        var output = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case _ where scalar.value < 0x20: output += String(format: "\\u%04x", scalar.value)
            default: output.unicodeScalars.append(scalar)
            }
        }
        return output + "\""
    }

    /// Form encoding (RFC 3986 unreserved characters kept, everything else percent-encoded).
    static func percentEncoded(_ text: String) -> String {
        var allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }

    static func expandEnvironment(_ text: String, _ environment: [String: String]) -> String {
        var output = ""
        var rest = Substring(text)
        while let open = rest.range(of: "${"), let close = rest[open.upperBound...].firstIndex(of: "}") {
            output += rest[..<open.lowerBound]
            output += environment[String(rest[open.upperBound..<close])] ?? ""
            rest = rest[rest.index(after: close)...]
        }
        return output + rest
    }
}
