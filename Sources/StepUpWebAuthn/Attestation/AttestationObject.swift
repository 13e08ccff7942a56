/// The CBOR `attestationObject` a registration returns (WebAuthn §6.5): format, statement and authenticator data.
public struct AttestationObject: Sendable {
    /// The `fmt` text as sent (checked against ``AttestationFormat`` when the statement is verified).
    public let format: String
    /// The `attStmt` map.
    public let statement: CBOR
    public let authenticatorData: AuthenticatorData

    /// Parses `bytes`: a map of exactly `fmt` (text), `attStmt` (map) and `authData` (bytes), nothing after it.
    public init(bytes: [UInt8]) throws {
        let object = try CBORDecoder().decode(bytes)
        guard let pairs = object.mapValue, pairs.count == 3,
            let format = object[text: "fmt"]?.textValue,
            let statement = object[text: "attStmt"], statement.mapValue != nil,
            let authData = object[text: "authData"]?.bytesValue
        else {
            throw WebAuthnError.malformedAttestation(
                "the attestation object must hold exactly fmt, attStmt and authData")
        }
        self.format = format
        self.statement = statement
        self.authenticatorData = try AuthenticatorData(bytes: authData)
    }
}
