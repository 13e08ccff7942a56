import SwiftASN1
import X509

/// What a registration's attestation must prove before the credential is accepted.
///
/// The default (``Requirement/none``) accepts any well-formed statement of a supported format and trusts none
/// of it: signatures are still checked (a statement that does not verify is tampering, so it is refused), and a
/// chain that happens to reach a configured root is reported as trusted, but nothing depends on it. With
/// ``Requirement/trusted`` the statement must be `packed` or `fido-u2f` with a certificate chain that validates
/// to one of ``trustRoots`` at the ceremony's time; self attestation and `none` are then `attestation_not_trusted`.
///
/// The AAGUID allow-list applies to the AAGUID in authenticator data. Without ``Requirement/trusted`` that value is
/// the authenticator's own claim, so the list then steers honest users rather than stopping an attacker.
public struct AttestationPolicy: Sendable {
    public enum Requirement: String, Sendable, Hashable, CaseIterable {
        /// Do not require attestation (the right choice for passkeys on phones and laptops).
        case none
        /// Require a certificate chain to a configured root (managed security keys).
        case trusted
    }

    public var requirement: Requirement
    /// Attestation root certificates (a vendor's CA, or the FIDO Metadata Service roots the operator exported).
    public var trustRoots: [Certificate]
    /// Authenticator models accepted; nil accepts every model.
    public var allowedAAGUIDs: Set<AAGUID>?

    public init(requirement: Requirement = .none, trustRoots: [Certificate] = [], allowedAAGUIDs: Set<AAGUID>? = nil) {
        self.requirement = requirement
        self.trustRoots = trustRoots
        self.allowedAAGUIDs = allowedAAGUIDs
    }

    /// Reads PEM root certificates (one or more `BEGIN CERTIFICATE` blocks), as operators configure them.
    /// Text without a single certificate is an error, not an empty (trust-nothing) list.
    public static func roots(pem: String) throws -> [Certificate] {
        let roots: [Certificate]
        do {
            roots = try PEMDocument.parseMultiple(pemString: pem).map { try Certificate(pemDocument: $0) }
        } catch {
            throw WebAuthnError.attestationNotTrusted("the attestation roots are not PEM certificates: \(error)")
        }
        guard !roots.isEmpty else {
            throw WebAuthnError.attestationNotTrusted("no BEGIN CERTIFICATE block in the attestation roots")
        }
        return roots
    }

    /// Reads DER root certificates (as stored in a database or shipped in a fixture).
    public static func roots(der: [[UInt8]]) throws -> [Certificate] {
        do {
            return try der.map { try Certificate(derEncoded: $0) }
        } catch {
            throw WebAuthnError.attestationNotTrusted("an attestation root is not a DER certificate: \(error)")
        }
    }
}
