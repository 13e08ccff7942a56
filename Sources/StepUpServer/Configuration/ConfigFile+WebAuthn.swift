import Foundation
import StepUpWebAuthn
import Yams

/// The `webauthn:` nodes checked once the whole file is read (`rp_id` against `server.public_url`, which may
/// come later in the file).
struct WebAuthnNodes {
    var rpID: Node?
    var origins: [Node] = []
    var attestation: Node?
}

extension ConfigFile {
    static func parseWebAuthn(_ value: Node, reader: Reader, file: String, into config: inout ServerConfiguration,
                              nodes: inout WebAuthnNodes) throws {
        try reader.mapping(value, "webauthn") { key, value in
            switch key {
            case "rp_id":
                config.webAuthn.rpID = try reader.string(value, key).lowercased()
                nodes.rpID = value
            case "rp_name": config.webAuthn.rpName = try reader.string(value, key)
            case "origins":
                guard let sequence = value.sequence else { throw reader.error(value, "'origins' must be a list") }
                config.webAuthn.origins = try sequence.map { node in
                    let origin = try reader.string(node, key)
                    guard WebOrigin.isOrigin(origin) else {
                        throw reader.error(node, "webauthn.origins: '\(origin)' is not an origin; write "
                            + "scheme://host[:port] with nothing after it, e.g. https://login.example.com")
                    }
                    return origin
                }
                nodes.origins = sequence.map { $0 }
            case "attestation":
                let text = try reader.string(value, key)
                guard let requirement = AttestationPolicy.Requirement(rawValue: text) else {
                    throw reader.error(value, "webauthn.attestation must be none or trusted, not \(text)")
                }
                config.webAuthn.attestation.requirement = requirement
                nodes.attestation = value
            case "attestation_roots":
                let path = try reader.string(value, key)
                let directory = URL(fileURLWithPath: file).deletingLastPathComponent()
                let resolved = path.hasPrefix("/") ? path : directory.appendingPathComponent(path).standardized.path
                guard let data = FileManager.default.contents(atPath: resolved) else {
                    throw reader.error(value, "webauthn.attestation_roots: cannot read \(resolved)")
                }
                do {
                    config.webAuthn.attestation.trustRoots = try AttestationPolicy.roots(
                        pem: String(decoding: data, as: UTF8.self))
                } catch let error as WebAuthnError {
                    throw reader.error(value, "webauthn.attestation_roots: \(resolved): \(error.reason)")
                }
            case "aaguids":
                guard let sequence = value.sequence else { throw reader.error(value, "'aaguids' must be a list") }
                config.webAuthn.attestation.allowedAAGUIDs = Set(try sequence.map { node in
                    let text = try reader.string(node, key)
                    guard let aaguid = AAGUID(text) else {
                        throw reader.error(node, "webauthn.aaguids: '\(text)' is not an AAGUID "
                            + "(8-4-4-4-12 hex digits, e.g. ee882879-721c-4913-9775-3dfcce97072a)")
                    }
                    return aaguid
                })
            case "user_verification":
                let text = try reader.string(value, key)
                guard let requirement = UserVerificationRequirement(rawValue: text) else {
                    throw reader.error(value, "webauthn.user_verification must be preferred, required or "
                        + "discouraged, not \(text)")
                }
                config.webAuthn.userVerification = requirement
            case "timeout_seconds": config.webAuthn.timeout = Double(try reader.int(value, key, in: 30...3_600))
            default: throw reader.unknown(key, value, in: "webauthn")
            }
        }
    }

    /// What only the whole file can tell: the relying-party id serves `server.public_url`'s host, every origin is
    /// on it, and `trusted` attestation has roots to trust.
    static func checkWebAuthn(_ config: ServerConfiguration, nodes: WebAuthnNodes, reader: Reader) throws {
        let party = config.relyingParty
        if let node = nodes.rpID, let host = WebOrigin.host(of: config.http.publicURL),
           !WebOrigin.rpID(party.id, serves: host) {
            throw reader.error(node, "webauthn.rp_id '\(party.id)' does not match server.public_url "
                + "(\(config.http.publicURL)): use its host '\(host)' or a parent domain of it")
        }
        for (node, origin) in zip(nodes.origins, config.webAuthn.origins) {
            guard let host = WebOrigin.host(of: origin), WebOrigin.rpID(party.id, serves: host) else {
                throw reader.error(node, "webauthn.origins: '\(origin)' is not on the relying party '\(party.id)'; "
                    + "browsers refuse ceremonies there")
            }
        }
        if let node = nodes.attestation, config.webAuthn.attestation.requirement == .trusted,
           config.webAuthn.attestation.trustRoots.isEmpty {
            throw reader.error(node, "webauthn.attestation: trusted needs attestation_roots (a PEM file of the "
                + "authenticator vendors' root certificates)")
        }
    }
}
