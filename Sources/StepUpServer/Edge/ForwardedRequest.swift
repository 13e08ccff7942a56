import Foundation
import HTTPTypes
import StepUpCore

/// The request a reverse proxy asks about, read from the headers each proxy sends to forward auth:
///
/// - nginx `auth_request`: `X-Original-URL` (full URL) and `X-Original-Method`, set in its configuration;
/// - Caddy `forward_auth` and Traefik `ForwardAuth`: `X-Forwarded-Method`, `-Proto`, `-Host` and `-Uri`.
///
/// These headers are believed only from a trusted proxy (``ForwardAuthRoutes`` checks the peer first): from
/// anyone else they are whatever an attacker wants them to be.
struct ForwardedRequest: Sendable, Equatable {
    var method: String
    var scheme: String
    /// `host[:port]` as the client addressed it.
    var host: String
    /// Path and query, percent-encoded, starting with `/`.
    var target: String

    var url: String { "\(scheme)://\(host)\(target)" }

    static let maxTarget = 8_192

    init(method: String, scheme: String, host: String, target: String) {
        self.method = method
        self.scheme = scheme
        self.host = host
        self.target = target
    }

    /// `nil` when the proxy sent neither form, or a malformed one.
    init?(_ headers: HTTPFields) {
        func header(_ name: HTTPField.Name) -> String? {
            headers[name].flatMap(Self.trimmed)
        }
        let method = (header(.xOriginalMethod) ?? header(.xForwardedMethod) ?? "GET").uppercased()
        guard method.utf8.count <= 20, method.utf8.allSatisfy({ $0 >= 0x41 && $0 <= 0x5A }) else { return nil }
        self.method = method
        if let original = header(.xOriginalURL) {
            let scheme: String
            if original.hasPrefix("https://") { scheme = "https" } else if original.hasPrefix("http://") {
                scheme = "http"
            } else { return nil }
            let rest = original.dropFirst(scheme.count + 3)
            let slash = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
            self.scheme = scheme
            host = String(rest[..<slash])
            target = rest[slash...].hasPrefix("/") ? String(rest[slash...]) : "/" + rest[slash...]
        } else {
            guard let uri = header(.xForwardedURI), let host = header(.xForwardedHost) ?? header(.host)
            else { return nil }
            let proto = header(.xForwardedProto)?.lowercased() ?? "http"
            guard proto == "http" || proto == "https" else { return nil }
            scheme = proto
            self.host = host
            target = uri
        }
        guard Self.isHost(host), target.hasPrefix("/"), target.utf8.count <= Self.maxTarget,
              target.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F })
        else { return nil }
    }

    /// `value` without surrounding spaces and tabs, or `nil` when nothing else is left.
    static func trimmed(_ value: String) -> String? {
        let bytes = value.utf8
        guard let first = bytes.firstIndex(where: { $0 != 0x20 && $0 != 0x09 }) else { return nil }
        let last = bytes.lastIndex(where: { $0 != 0x20 && $0 != 0x09 })!
        if first == bytes.startIndex, last == bytes.index(before: bytes.endIndex) { return value }
        return String(value[first...last])
    }

    /// `name[:port]`: a host name (or IPv4 address) and digits only, as ``HostPattern`` reads it.
    private static func isHost(_ text: String) -> Bool {
        let bare = HostPattern.stripPort(text)
        return !bare.isEmpty && text.utf8.count <= 260 && HostPattern(String(bare)) != nil
    }
}

extension HTTPField.Name {
    static let xOriginalMethod = Self("X-Original-Method")!
    static let xOriginalURL = Self("X-Original-URL")!
    static let xForwardedMethod = Self("X-Forwarded-Method")!
    static let xForwardedURI = Self("X-Forwarded-Uri")!
    static let xForwardedHost = Self("X-Forwarded-Host")!
    static let xForwardedProto = Self("X-Forwarded-Proto")!
    static let host = Self("Host")!
    static let xForwardedFor = Self("X-Forwarded-For")!
}
