import Foundation
import StepUpWebAuthn

// The WebAuthn Level 3 JSON forms (`PublicKeyCredentialCreationOptionsJSON`, `…RequestOptionsJSON`,
// `RegistrationResponseJSON`, `AuthenticationResponseJSON`): what browsers' `parse…OptionsFromJSON()` and
// `credential.toJSON()` use, binary values as base64url.

/// What a ceremony starts with: the sealed ceremony token to send back, and the options for the browser.
public struct WebAuthnCeremonyOptions: Sendable, Encodable {
    public var ceremony: String
    public var publicKey: WebAuthnOptionsJSON
    enum CodingKeys: String, CodingKey { case ceremony, publicKey = "public_key" }
}

/// Creation or request options; fields of the other ceremony stay nil (and out of the JSON).
public struct WebAuthnOptionsJSON: Sendable, Encodable {
    struct Entity: Sendable, Encodable {
        var id: String
        var name: String
        var displayName: String?
    }

    struct Parameter: Sendable, Encodable {
        var type = "public-key"
        var alg: Int
    }

    struct Descriptor: Sendable, Encodable {
        var type = "public-key"
        var id: String
        var transports: [String]?
    }

    struct Selection: Sendable, Encodable {
        var residentKey = "preferred"
        var requireResidentKey = false
        var userVerification: String
    }

    var challenge: String
    var timeout: Int
    // creation
    var rp: Entity?
    var user: Entity?
    var pubKeyCredParams: [Parameter]?
    var excludeCredentials: [Descriptor]?
    var authenticatorSelection: Selection?
    var attestation: String?
    // request
    var rpId: String?
    var allowCredentials: [Descriptor]?
    var userVerification: String?

    /// The JSON text, for a page's `data-options` attribute.
    var text: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}

/// A `PublicKeyCredential` as JSON, from either ceremony.
public struct WebAuthnCredentialJSON: Sendable, Decodable {
    public struct Response: Sendable, Decodable {
        public var clientDataJSON: String
        public var attestationObject: String?
        public var transports: [String]?
        public var authenticatorData: String?
        public var signature: String?
        public var userHandle: String?
    }

    public var id: String
    public var rawId: String?
    public var type: String?
    public var response: Response

    /// Decodes the JSON text a page's form posts.
    static func parse(_ text: String) throws -> WebAuthnCredentialJSON {
        guard text.utf8.count <= 32_768,
              let credential = try? JSONDecoder().decode(Self.self, from: Data(text.utf8))
        else { throw StepUpError.webAuthn("malformed_response", "the passkey answer is not a WebAuthn credential") }
        return credential
    }

    /// The credential id's bytes (`rawId`, or `id`: both are base64url of the same bytes).
    func credentialID() throws -> [UInt8] {
        guard let bytes = Base64URL.decode(rawId ?? id), !bytes.isEmpty, bytes.count <= 1_023,
              rawId == nil || rawId == id
        else { throw Self.malformed("id") }
        return bytes
    }

    func bytes(_ field: String?, _ name: String) throws -> [UInt8] {
        guard let field, let bytes = Base64URL.decode(field) else { throw Self.malformed(name) }
        return bytes
    }

    static func malformed(_ field: String) -> StepUpError {
        .webAuthn("malformed_response", "the credential's '\(field)' is missing or not base64url; send what "
            + "the browser's credential.toJSON() gives")
    }
}

extension WebAuthnError {
    /// The server's answer to a refused ceremony.
    var stepUpError: StepUpError { .webAuthn(identifier, reason) }
}
