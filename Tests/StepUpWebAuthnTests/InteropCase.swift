import Foundation

@testable import StepUpWebAuthn

/// One case printed by Fixtures/authenticator.py: the bytes, the configuration, what we must answer, and what
/// py_webauthn answered.
struct InteropCase: Decodable {
    struct Policy: Decodable { var requirement: String, roots: [String], aaguids: [String]? }
    struct PyOutcome: Decodable { var ok: Bool, detail: String }
    struct Expect: Decodable {
        var credentialId: String?, publicKey: String?, alg: Int64?, aaguid: String?, format: String?, trusted: Bool?
        var userVerified: Bool, backupEligible: Bool, backupState: Bool, signCount: UInt32
        var regressed: Bool?
    }

    var name: String, ceremony: String, rpId: String, origins: [String], topOrigins: [String]
    var policy: Policy, requireUV: Bool, challenge: String, clientDataJSON: String
    var attestationObject: String?, authenticatorData: String?, signature: String?, publicKey: String?
    var storedSignCount: UInt32?
    var error: String?, pyCompare: Bool, py: PyOutcome, expect: Expect?

    func bytes(_ text: String?) -> [UInt8] { text.flatMap { Base64URL.decode($0) } ?? [] }

    func relyingParty() throws -> RelyingParty {
        let roots = try AttestationPolicy.roots(der: policy.roots.map { bytes($0) })
        let attestation = AttestationPolicy(
            requirement: policy.requirement == "trusted" ? .trusted : .none, trustRoots: roots,
            allowedAAGUIDs: policy.aaguids.map { Set($0.compactMap { AAGUID($0) }) }
        )
        return RelyingParty(id: rpId, origins: Set(origins), topOrigins: Set(topOrigins), attestation: attestation)
    }
}
