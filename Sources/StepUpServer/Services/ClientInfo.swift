import StepUpCore

/// What StepUp knows about the client making a request: resolved once per request (trusted proxies, GeoIP,
/// proven device, the administrator's verdict on the address), then read by risk, policy and audit alike.
public struct ClientInfo: Sendable, Hashable {
    /// The client's address (after trusted-proxy resolution), or `"unknown"`.
    public var ip: String
    public var userAgent: String?
    /// A device the client *proved*: the signed browser cookie or a device secret StepUp issued (`dv_…`), or a
    /// device-key signature (`dk_…`). Never a string the client merely names.
    public var deviceID: String?
    /// A name the client chose for itself (the API's `device_id`): a label for lists, never an identity.
    public var deviceLabel: String?
    /// ISO 3166-1 alpha-2: from a trusted CDN header, else from GeoIP (after ``RiskService/resolve(_:)``).
    public var country: String?
    public var latitude: Double?
    public var longitude: Double?
    /// An administrator's verdict on the address (`stepup address mark`), an input to every decision.
    public var addressVerdict: AddressRule.Verdict?
    /// Evidence that this request's WebAuthn assertion came with a signature counter that went backwards (a copied
    /// key?): the `cloned_authenticator` risk signal of every decision made for the request.
    public var clonedAuthenticator: String?
    /// Whether GeoIP and the address verdict have been filled in (done once per request).
    public var isResolved = false

    public init(ip: String?, userAgent: String? = nil, deviceID: String? = nil, country: String? = nil) {
        self.ip = ip ?? "unknown"
        self.userAgent = userAgent
        self.deviceID = deviceID
        self.country = country
    }

    public var isBlocked: Bool { addressVerdict == .blocked }
}
