import Foundation

/// Verifies one registration's attestation statement against the relying party's policy (WebAuthn §7.1 steps
/// 19–24): the format's own checks first, then whether the policy's demands (trust, AAGUID) are met.
struct AttestationVerifier {
    let object: AttestationObject
    let credential: AttestedCredentialData
    let clientDataHash: [UInt8]
    let policy: AttestationPolicy
    /// The ceremony's time, for certificate validity.
    let now: Date

    func verify() async throws -> AttestationResult {
        guard let format = AttestationFormat(rawValue: object.format) else {
            throw WebAuthnError.unsupportedAttestationFormat(object.format)
        }
        let result: AttestationResult =
            switch format {
            case .none: try verifyNone()
            case .packed: try await verifyPacked()
            case .fidoU2F: try await verifyFidoU2F()
            }
        if policy.requirement == .trusted && !result.trusted {
            throw WebAuthnError.attestationNotTrusted(
                "this server accepts only authenticators whose attestation chains to a configured root "
                    + "(\(format.rawValue), \(result.kind.rawValue) attestation did not): use an approved security key"
            )
        }
        if let allowed = policy.allowedAAGUIDs, !allowed.contains(credential.aaguid) {
            throw WebAuthnError.aaguidNotAllowed(credential.aaguid.description)
        }
        return result
    }

    private func verifyNone() throws -> AttestationResult {
        guard object.statement.mapValue?.isEmpty == true else {
            throw WebAuthnError.malformedAttestation("a none attestation must have an empty attStmt")
        }
        return AttestationResult(format: .none, kind: .none, certificates: [], trusted: false)
    }

    /// The statement's fields, refusing any key outside `allowed` (a field we do not understand could be one that
    /// changes the meaning, such as packed's retired `ecdaaKeyId`).
    func statementField(_ name: String, allowed: Set<String>) throws -> CBOR? {
        for pair in object.statement.mapValue ?? [] {
            guard let key = pair.key.textValue, allowed.contains(key) else {
                throw WebAuthnError.malformedAttestation("attStmt has an unexpected field \(pair.key)")
            }
        }
        return object.statement[text: name]
    }

    /// The signature bytes every format carries under `sig`.
    func signature(allowed: Set<String>) throws -> [UInt8] {
        guard let sig = try statementField("sig", allowed: allowed)?.bytesValue else {
            throw WebAuthnError.malformedAttestation("attStmt has no sig byte string")
        }
        return sig
    }
}
