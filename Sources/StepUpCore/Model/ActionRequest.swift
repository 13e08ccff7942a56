import Foundation

/// The question put to StepUp: may this subject do this action, now, from here?
public struct ActionRequest: Sendable, Hashable, Codable {
    /// A dotted name such as `payments.transfer`.
    public var action: String
    public var resource: Attributes
    public var context: RequestContext
    /// HTTP method and path, when the request comes from forward auth or the gateway.
    public var method: String?
    public var path: String?

    public init(
        action: String,
        resource: Attributes = [:],
        context: RequestContext = RequestContext(),
        method: String? = nil,
        path: String? = nil
    ) {
        self.action = action
        self.resource = resource
        self.context = context
        self.method = method
        self.path = path
    }
}

/// Where and when a request happens, as far as StepUp can tell.
public struct RequestContext: Sendable, Hashable, Codable {
    public var ip: String?
    public var userAgent: String?
    public var deviceID: String?
    /// ISO 3166-1 alpha-2 country code, from GeoIP or a trusted header.
    public var country: String?
    public var latitude: Double?
    public var longitude: Double?
    public var time: Date?
    /// Transaction fields (amount, currency, payee, …); `bind` fields are taken from here.
    public var transaction: Attributes
    /// Any other attribute the caller sends; never a name also in ``transaction`` (``ActionRequest/validate()``).
    public var attributes: Attributes

    public init(
        ip: String? = nil,
        userAgent: String? = nil,
        deviceID: String? = nil,
        country: String? = nil,
        latitude: Double? = nil,
        longitude: Double? = nil,
        time: Date? = nil,
        transaction: Attributes = [:],
        attributes: Attributes = [:]
    ) {
        self.ip = ip
        self.userAgent = userAgent
        self.deviceID = deviceID
        self.country = country
        self.latitude = latitude
        self.longitude = longitude
        self.time = time
        self.transaction = transaction
        self.attributes = attributes
    }
}

extension RequestContext {
    /// The value of a caller-supplied field: the transaction's, else the other attributes'.
    ///
    /// The one lookup both the policy's `context.<name>` conditions and the transaction binding use, so a rule
    /// can never judge one value while the step-up binds another. ``ActionRequest/validate()`` refuses
    /// requests that name a field in both places.
    public func value(named name: String) -> AttributeValue? {
        transaction[name] ?? attributes[name]
    }
}
