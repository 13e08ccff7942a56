import Crypto
import Foundation
import StepUpCore
import StepUpCrypto

/// What a browser registers to approve step-ups: its push subscription and a P-256 key it created (kept
/// non-extractable in WebCrypto); the key's signature over the endpoint proves it holds the private half.
/// Without a subscription (no push service reachable) the approver is reached only by its open approver page
/// (server-sent events), and the proof covers an empty endpoint.
public struct ApproverRegistration: Sendable {
    public var name: String
    public var subscription: PushSubscription?
    /// The device key: an uncompressed P-256 point, base64url.
    public var deviceKey: String
    /// ECDSA P-256 / SHA-256 over `stepup-push-enroll-v1\n<endpoint>`, raw `r‖s` or DER, base64url.
    public var proof: String

    public init(name: String, subscription: PushSubscription?, deviceKey: String, proof: String) {
        self.name = name
        self.subscription = subscription
        self.deviceKey = deviceKey
        self.proof = proof
    }
}

extension StepUpService {
    /// The outbox channel of push notifications.
    static let pushChannel = "push"

    var pushEnabled: Bool { configuration.push.channel != .none }

    /// Verifies an ECDSA P-256 signature given as raw `r‖s` (WebCrypto) or DER, base64url.
    static func verifyDeviceSignature(_ signature: String, message: String, key: P256.Signing.PublicKey) -> Bool {
        guard let bytes = VAPID.decodeBase64URL(signature) else { return false }
        let parsed = (try? P256.Signing.ECDSASignature(rawRepresentation: bytes))
            ?? (try? P256.Signing.ECDSASignature(derRepresentation: bytes))
        guard let parsed else { return false }
        return key.isValidSignature(parsed, for: Array(message.utf8))
    }

    /// Whether a subscription endpoint may be used: `https://` to a known push service, unless
    /// `push.allow_any_endpoint` (the server POSTs wherever the endpoint says).
    func allowedPushEndpoint(_ endpoint: String) -> Bool {
        guard endpoint.utf8.count <= 2_048, let url = URL(string: endpoint), let host = url.host?.lowercased(),
              let scheme = url.scheme?.lowercased()
        else { return false }
        if configuration.push.allowAnyEndpoint { return scheme == "https" || scheme == "http" }
        return scheme == "https" && configuration.push.endpointHosts.contains { allowed in
            allowed.hasPrefix(".") ? host.hasSuffix(allowed) : host == allowed
        }
    }

    /// Enrolls a browser as an approver. The caller has asked the policy first
    /// (``authorizeFactorChange(session:user:client:grantID:)``).
    public func enrollApprover(user: UserRecord, _ registration: ApproverRegistration, client: ClientInfo) async throws
        -> FactorRecord
    {
        guard pushEnabled else { throw StepUpError.forbidden("push approval is not configured on this server") }
        if let subscription = registration.subscription {
            guard allowedPushEndpoint(subscription.endpoint) else {
                throw StepUpError.invalidRequest("this push endpoint is not a known push service")
            }
            guard let p256dh = VAPID.decodeBase64URL(subscription.p256dh),
                  (try? P256.KeyAgreement.PublicKey(x963Representation: p256dh)) != nil,
                  VAPID.decodeBase64URL(subscription.auth)?.count == 16
            else {
                throw StepUpError.invalidRequest("the subscription's keys are not a P-256 point and a 16-byte secret")
            }
        }
        guard let keyBytes = VAPID.decodeBase64URL(registration.deviceKey),
              let deviceKey = try? P256.Signing.PublicKey(x963Representation: keyBytes)
        else { throw StepUpError.invalidRequest("device_key must be an uncompressed P-256 public key (base64url)") }
        guard Self.verifyDeviceSignature(registration.proof, message: "stepup-push-enroll-v1\n" + (registration.subscription?.endpoint ?? ""),
                                         key: deviceKey)
        else { throw StepUpError.invalidRequest("the proof is not the device key's signature over the endpoint") }
        let name = registration.name.trimmingCharacters(in: .whitespaces)
        guard (1...64).contains(name.count), !name.contains(where: { $0.isNewline }) else {
            throw StepUpError.invalidRequest("give the approver a name (1 to 64 characters)")
        }
        let at = now()
        let factorID = Tokens.id(prefix: "fac")
        let sealed = try registration.subscription.map {
            try crypto.seal(Array(try JSONEncoder().encode($0)), owner: user.id, factor: factorID)
        }
        let record = FactorRecord(id: factorID, userID: user.id, kind: .push, label: name, status: .active,
                                  createdAt: at, parameters: ["device_key": registration.deviceKey],
                                  sealedSecret: sealed)
        try await stores.factors.addFactor(record)
        try await auditor.record("factor.enrolled", at: at, user: user.id, client: client,
                                 details: ["factor": factorID, "kind": FactorKind.push.rawValue])
        return record
    }
}
