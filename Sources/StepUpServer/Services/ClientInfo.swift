/// What StepUp knows about the client making a request.
public struct ClientInfo: Sendable, Hashable {
    /// The client's address (after trusted-proxy resolution), or `"unknown"`.
    public var ip: String
    public var userAgent: String?
    /// From the signed device cookie (browsers) or the `device_id` a client sends (API).
    public var deviceID: String?
    public var country: String?

    public init(ip: String?, userAgent: String? = nil, deviceID: String? = nil, country: String? = nil) {
        self.ip = ip ?? "unknown"
        self.userAgent = userAgent
        self.deviceID = deviceID
        self.country = country
    }
}
