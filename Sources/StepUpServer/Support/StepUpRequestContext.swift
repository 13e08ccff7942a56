import Hummingbird
import Logging
import NIOCore

/// The request context of every StepUp route: the peer address (for throttling and risk) and a body limit.
public struct StepUpRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?
    /// Set by `BodyLimitMiddleware` from the configuration.
    public var maxUploadSize: Int
    /// Who sent the request, set once by `AuthenticationMiddleware` on the routes that have users.
    var authentication: Authentication?
    /// The `allow` a `DecisionMiddleware` reached before the handler ran.
    var decision: DecisionOutcome?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
        self.maxUploadSize = 64 * 1024
    }

    /// The socket peer's IP address, or `nil` (in-process tests have none).
    public var peerIP: String? { remoteAddress?.ipAddress }
}
