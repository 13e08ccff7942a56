/// What the server kept from registration and passes back to check an assertion.
public struct StoredCredential: Sendable {
    /// ``RegisteredCredential/publicKey``: COSE_Key bytes.
    public var publicKey: [UInt8]
    /// The counter stored after the last successful ceremony.
    public var signCount: UInt32

    public init(publicKey: [UInt8], signCount: UInt32) {
        self.publicKey = publicKey
        self.signCount = signCount
    }
}
