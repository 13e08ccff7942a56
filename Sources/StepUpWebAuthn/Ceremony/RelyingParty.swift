import Crypto

/// This server as a WebAuthn relying party: who it is, where its pages live, and what it demands.
///
/// Every field has a default, so `RelyingParty(id: "example.com", origins: ["https://example.com"])` is a working
/// configuration; the ceremonies are `verifyRegistration` and `verifyAssertion`.
public struct RelyingParty: Sendable {
    /// The RP ID (a registrable domain); credentials are scoped to it.
    public var id: String
    /// The name shown by the browser's passkey dialog.
    public var name: String
    /// Origins (`https://host[:port]`) whose pages may run ceremonies, matched exactly.
    public var allowedOrigins: Set<String>
    /// Top-level origins that may embed a ceremony in a cross-origin iframe; empty refuses every such ceremony.
    public var allowedTopOrigins: Set<String>
    /// Whether attestation must be trusted, and which authenticator models are accepted.
    public var attestation: AttestationPolicy
    /// What the server asks the browser for; `verify…` take the actual requirement per ceremony.
    public var userVerification: UserVerificationRequirement
    /// How long a ceremony may take (milliseconds), passed to the browser as `timeout`.
    public var timeoutMilliseconds: Int

    public init(
        id: String = "localhost",
        name: String = "StepUp",
        origins: Set<String> = ["http://localhost:8080"],
        topOrigins: Set<String> = [],
        attestation: AttestationPolicy = AttestationPolicy(),
        userVerification: UserVerificationRequirement = .preferred,
        timeoutMilliseconds: Int = 300_000
    ) {
        self.id = id
        self.name = name
        self.allowedOrigins = origins
        self.allowedTopOrigins = topOrigins
        self.attestation = attestation
        self.userVerification = userVerification
        self.timeoutMilliseconds = timeoutMilliseconds
    }

    /// SHA-256 of the RP ID: what authenticator data must start with.
    public var idHash: [UInt8] { Array(SHA256.hash(data: Array(id.utf8))) }
}
