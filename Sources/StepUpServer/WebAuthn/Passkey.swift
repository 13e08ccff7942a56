import Crypto
import Foundation
import StepUpCore
import StepUpWebAuthn

/// A WebAuthn credential as StepUp keeps it: a ``FactorRecord`` of kind `webauthn` whose non-secret parameters hold
/// the public key and what registration showed. The signature counter is the factor's `lastAcceptedStep` (nil while
/// the authenticator reports 0, as most passkeys do).
struct Passkey: Sendable {
    let record: FactorRecord

    /// One factor id per credential id: a credential can be registered once, by one user, and the credential a
    /// browser presents is found without a search.
    static func factorID(credentialID: [UInt8]) -> String {
        "wa_" + SHA256.hash(data: credentialID).withUnsafeBytes(Hex.lowercase).prefix(32)
    }

    init?(_ record: FactorRecord) {
        guard record.kind == .webauthn, record.parameters["public_key"] != nil else { return nil }
        self.record = record
    }

    static func record(_ credential: RegisteredCredential, userID: String, label: String, transports: [String],
                       at now: Date) -> FactorRecord {
        FactorRecord(
            id: factorID(credentialID: credential.credentialId), userID: userID, kind: .webauthn, label: label,
            status: .active, createdAt: now,
            lastAcceptedStep: credential.signCount > 0 ? Int64(credential.signCount) : nil,
            parameters: [
                "credential_id": Base64URL.encode(credential.credentialId),
                "public_key": Base64URL.encode(credential.publicKey),
                "alg": String(credential.algorithm.rawValue),
                "aaguid": credential.aaguid.description,
                "backup_eligible": String(credential.backupEligible),
                "backup_state": String(credential.backupState),
                "user_verified": String(credential.userVerified),
                "transports": transports.prefix(8).map { String($0.prefix(32)) }.joined(separator: ","),
                "attestation_format": credential.attestationFormat.rawValue,
                "attestation_trusted": String(credential.attestationTrusted),
            ])
    }

    var id: String { record.id }
    var credentialID: String { record.parameters["credential_id"] ?? "" }
    var publicKey: [UInt8] { Base64URL.decode(record.parameters["public_key"] ?? "") ?? [] }
    /// BE: a synced (multi-device) passkey. Counts as `swk`, never hardware-bound (NIST SP 800-63B-4: AAL2).
    var synced: Bool { record.parameters["backup_eligible"] == "true" }
    var transports: [String] {
        (record.parameters["transports"] ?? "").split(separator: ",").map(String.init)
    }
    var signCount: UInt32 { record.lastAcceptedStep.map { UInt32(clamping: $0) } ?? 0 }
    var stored: StoredCredential { StoredCredential(publicKey: publicKey, signCount: signCount) }
    var descriptor: WebAuthnOptionsJSON.Descriptor {
        WebAuthnOptionsJSON.Descriptor(id: credentialID, transports: transports.isEmpty ? nil : transports)
    }

    /// The most an assertion with this credential can prove (with user verification).
    var bestTraits: FactorTraits { FactorTraits(AuthenticationMethods(userVerified: true, backupEligible: synced)) }
}

extension FactorTraits {
    /// What one WebAuthn proof earns, from its own flags: `hwk`/`swk`, `user`, `mfa` with UV; phishing-resistant
    /// always; hardware-bound unless backup-eligible.
    init(_ methods: AuthenticationMethods) {
        self.init(amr: methods.amr, phishingResistant: methods.phishingResistant, replayResistant: true,
                  userVerified: methods.userVerified, hardwareBound: methods.hardwareBound)
    }
}
