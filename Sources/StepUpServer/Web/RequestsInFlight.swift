import Hummingbird
import Synchronization

/// How many requests a process is handling right now (their handlers have started and not yet returned).
///
/// `stepup serve`'s executor reads ``RequestsInFlight/server`` (see `EventLoopGlobalExecutor` in the `stepup`
/// target): with at most one request in flight a task runs to its next real wait in one go; with more, the event
/// loops interleave them.
public final class RequestsInFlight: Sendable {
    /// The server's count, kept by the outermost middleware of every ``StepUpApplication``.
    public static let server = RequestsInFlight()

    private let value = Atomic<Int>(0)

    init() {}

    public var count: Int { value.load(ordering: .relaxed) }

    func enter() { value.add(1, ordering: .relaxed) }
    func leave() { value.subtract(1, ordering: .relaxed) }
}

/// Counts requests in flight: the outermost middleware, so every request counts, the gateway's too, and one that
/// fails leaves the count as one that succeeds does.
struct RequestsInFlightMiddleware<Context: RequestContext>: RouterMiddleware {
    let counter: RequestsInFlight

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        counter.enter()
        defer { counter.leave() }
        return try await next(request, context)
    }
}
