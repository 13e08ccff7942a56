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
        func header(_ name: String) -> String? {
            headers[HTTPField.Name(name)!].map { $0.trimmingCharacters(in: .whitespaces) }
                .flatMap { $0.isEmpty ? nil : $0 }
        }
        let method = (header("X-Original-Method") ?? header("X-Forwarded-Method") ?? "GET").uppercased()
        guard method.utf8.count <= 20, method.utf8.allSatisfy({ $0 >= 0x41 && $0 <= 0x5A }) else { return nil }
        self.method = method
        if let original = header("X-Original-URL") {
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
            guard let uri = header("X-Forwarded-Uri"), let host = header("X-Forwarded-Host") ?? header("Host")
            else { return nil }
            let proto = header("X-Forwarded-Proto")?.lowercased() ?? "http"
            guard proto == "http" || proto == "https" else { return nil }
            scheme = proto
            self.host = host
            target = uri
        }
        guard Self.isHost(host), target.hasPrefix("/"), target.utf8.count <= Self.maxTarget,
              target.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F })
        else { return nil }
    }

    /// `name[:port]`: a host name (or IPv4 address) and digits only, as ``HostPattern`` reads it.
    private static func isHost(_ text: String) -> Bool {
        let bare = HostPattern.stripPort(text)
        return !bare.isEmpty && text.utf8.count <= 260 && HostPattern(String(bare)) != nil
    }
}
