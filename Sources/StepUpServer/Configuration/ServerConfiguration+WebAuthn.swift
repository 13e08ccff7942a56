import Foundation
import StepUpWebAuthn

extension ServerConfiguration {
    /// The `webauthn:` section: StepUp as a WebAuthn relying party (passkeys, platform biometrics, security keys).
    public struct WebAuthn: Sendable {
        /// The relying-party id credentials are scoped to; `nil` means the host of `server.public_url`.
        public var rpID: String?
        /// The name the browser's passkey dialog shows.
        public var rpName = "StepUp"
        /// Origins whose pages may run ceremonies; empty means the origin of `server.public_url`.
        public var origins: [String] = []
        /// `none` (default: any authenticator) or `trusted` (a chain to `attestation_roots`), and an AAGUID list.
        public var attestation = AttestationPolicy()
        /// What StepUp asks the authenticator for; `required` refuses a response without a PIN or biometric.
        public var userVerification = UserVerificationRequirement.preferred
        /// How long a ceremony may take, from options to answer.
        public var timeout: TimeInterval = 300
        public init() {}
    }

    /// The relying party this configuration describes, with the defaults filled in from `server.public_url`.
    public var relyingParty: RelyingParty {
        let derived = WebOrigin.origin(of: http.publicURL).map { [$0] } ?? []
        let origins = webAuthn.origins.isEmpty ? derived : webAuthn.origins
        return RelyingParty(id: webAuthn.rpID ?? WebOrigin.host(of: http.publicURL) ?? "localhost",
                            name: webAuthn.rpName, origins: Set(origins), attestation: webAuthn.attestation,
                            userVerification: webAuthn.userVerification,
                            timeoutMilliseconds: Int(webAuthn.timeout * 1_000))
    }
}

/// Hosts and origins of URLs, and whether a relying-party id may serve a host (WebAuthn §5.1.3: the RP ID is the
/// host or a registrable suffix of it).
enum WebOrigin {
    static func host(of url: String) -> String? {
        guard let host = URLComponents(string: url)?.host, !host.isEmpty else { return nil }
        return host.lowercased()
    }

    /// `scheme://host[:port]`, the default port left out, as browsers write `origin` in client data.
    static func origin(of url: String) -> String? {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
              scheme == "https" || scheme == "http", let host = host(of: url)
        else { return nil }
        let bracketed = host.contains(":") ? "[\(host)]" : host
        let port = components.port.flatMap { ($0 == 443 && scheme == "https") || ($0 == 80 && scheme == "http")
            ? nil : $0 }
        return "\(scheme)://\(bracketed)" + (port.map { ":\($0)" } ?? "")
    }

    /// An origin as configured: exactly `scheme://host[:port]`, nothing after it.
    static func isOrigin(_ text: String) -> Bool { origin(of: text) == text }

    /// Whether `rpID` may be used by pages on `host`: the host itself, or a parent domain that is not a bare
    /// top-level name (`example.com` for `login.example.com`; never `com`). An IP address only as itself.
    static func rpID(_ rpID: String, serves host: String) -> Bool {
        let rpID = rpID.lowercased()
        if rpID == host { return true }
        let isAddress = host.contains(":") || host.allSatisfy { $0.isNumber || $0 == "." }
        guard !isAddress, rpID.contains("."), !rpID.hasPrefix("."), !rpID.hasSuffix(".") else { return false }
        return host.hasSuffix("." + rpID)
    }
}
