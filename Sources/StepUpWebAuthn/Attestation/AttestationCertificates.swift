import Crypto
import Foundation
import SwiftASN1
@_spi(FixedExpiryValidationTime) import X509
import _CryptoExtras

/// An attestation statement's `x5c`: DER certificates, leaf first, and the checks made on them.
struct AttestationCertificates {
    /// More would only cost work: real attestation chains have one to three certificates.
    static let maxCount = 8
    /// id-fido-gen-ce-aaguid: the authenticator model, which must match authenticator data when present.
    static let aaguidExtension: ASN1ObjectIdentifier = [1, 3, 6, 1, 4, 1, 45724, 1, 1, 4]

    let certificates: [Certificate]

    init(_ x5c: CBOR) throws {
        guard let items = x5c.arrayValue, (1...Self.maxCount).contains(items.count) else {
            throw WebAuthnError.malformedAttestation("x5c must be an array of 1 to \(Self.maxCount) certificates")
        }
        certificates = try items.map { item in
            guard let der = item.bytesValue, let certificate = try? Certificate(derEncoded: der) else {
                throw WebAuthnError.malformedAttestation("an x5c entry is not a DER certificate")
            }
            return certificate
        }
    }

    var leaf: Certificate { certificates[0] }

    /// The leaf's public key as a signature key, or `unsupported_algorithm` for other key types.
    var leafKey: SignatureKey {
        get throws {
            if let key = P256.Signing.PublicKey(leaf.publicKey) { return .p256(key) }
            if let key = Curve25519.Signing.PublicKey(leaf.publicKey) { return .ed25519(key) }
            if let key = _RSA.Signing.PublicKey(leaf.publicKey) { return .rsa(key) }
            throw WebAuthnError.unsupportedAlgorithm("the attestation certificate's key is not P-256, Ed25519 or RSA")
        }
    }

    /// Packed attestation certificate requirements (WebAuthn §8.2.1).
    func checkPackedLeaf(aaguid: AAGUID) throws {
        guard leaf.version == .v3 else { throw invalid("it is not an X.509 version 3 certificate") }
        let subject = leaf.subject.flatMap { $0 }
        func value(_ type: ASN1ObjectIdentifier) -> String? {
            subject.first { $0.type == type }.flatMap { String($0.value) }
        }
        guard value(.RDNAttributeType.organizationalUnitName) == "Authenticator Attestation",
            value(.RDNAttributeType.countryName) != nil, value(.RDNAttributeType.organizationName) != nil,
            value(.RDNAttributeType.commonName) != nil
        else { throw invalid("its subject needs C, O, CN and OU=Authenticator Attestation") }
        guard case .notCertificateAuthority = try? leaf.extensions.basicConstraints else {
            throw invalid("it must carry basic constraints with CA false")
        }
        if let ext = leaf.extensions[oid: Self.aaguidExtension] {
            // The extension's value is an OCTET STRING wrapping the 16 AAGUID bytes.
            let inner = try? ASN1OctetString(derEncoded: ext.value)
            guard !ext.critical, let inner, Array(inner.bytes) == aaguid.bytes else {
                throw invalid("its AAGUID extension does not match the authenticator data (\(aaguid))")
            }
        }
    }

    /// True when the chain validates to one of `roots` at `time` (RFC 5280 path validation by swift-certificates).
    func validates(to roots: [Certificate], at time: Date) async -> Bool {
        guard !roots.isEmpty else { return false }
        var verifier = Verifier(rootCertificates: CertificateStore(roots)) {
            RFC5280Policy(fixedExpiryValidationTime: time)
        }
        let result = await verifier.validate(leaf: leaf, intermediates: CertificateStore(certificates.dropFirst()))
        if case .validCertificate = result { return true }
        return false
    }

    private func invalid(_ reason: String) -> WebAuthnError {
        .malformedAttestation("the packed attestation certificate is not acceptable: \(reason)")
    }
}
