import Dispatch
import Foundation
import HTTPTypes
import NIOCore
import NIOHTTPTypes
import Synchronization

/// Closes connections that hold the server without using it: a new connection whose first request head does
/// not arrive complete within the header timeout (slow-loris), a kept-alive connection with no request for the
/// idle timeout, and a request whose body does not arrive complete within the request timeout of its head.
///
/// Sits after the HTTP/1 decoder, so it sees whole request parts: while a head trickles in byte by byte nothing
/// reaches it, and the timer set when the connection opened (or its last response ended) fires. While StepUp
/// works on a request no timer runs: answering slowly is the server's business, not the client's.
final class ConnectionDeadlines: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    struct Timeouts: Sendable {
        var header: TimeAmount
        var idle: TimeAmount
        var request: TimeAmount

        init(_ http: ServerConfiguration.HTTP) {
            func amount(_ seconds: TimeInterval) -> TimeAmount { .milliseconds(Int64(max(seconds, 0.001) * 1_000)) }
            header = amount(http.headerTimeout)
            idle = amount(http.idleTimeout)
            request = amount(http.requestTimeout)
        }
    }

    private let timeouts: Timeouts
    private let gauge: ConnectionGauge?
    private var counted = false
    /// When the connection is closed unless something happens first, and which deadline that is; `nil` while
    /// StepUp works on a request.
    private var deadline: (at: NIODeadline, kind: Deadline)?
    /// The one timer: it fires at or before the deadline and, when the deadline moved on, re-arms itself for the
    /// rest. Requests move the deadline without touching the timer (no scheduling and cancelling per request).
    private var timer: Scheduled<Void>?
    private var timerFires: NIODeadline?
    /// Requests whose head has been read and whose response has not ended yet.
    private var unanswered = 0
    private var readingBody = false

    init(_ timeouts: Timeouts, gauge: ConnectionGauge? = nil) {
        self.timeouts = timeouts
        self.gauge = gauge
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { opened(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        opened(context)
        context.fireChannelActive()
    }

    func handlerRemoved(context: ChannelHandlerContext) { closed() }

    func channelInactive(context: ChannelHandlerContext) {
        closed()
        context.fireChannelInactive()
    }

    private func opened(_ context: ChannelHandlerContext) {
        arm(context, timeouts.header, .header)
        if !counted {
            counted = true
            gauge?.opened()
        }
    }

    private func closed() {
        disarm()
        if counted {
            counted = false
            gauge?.closed()
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            unanswered += 1
            readingBody = true
            arm(context, timeouts.request, .request)
        case .body:
            break
        case .end:
            readingBody = false
            deadline = nil
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) {
            unanswered = max(0, unanswered - 1)
            // The next request head must come within the idle timeout; a body still being read keeps its deadline.
            if unanswered == 0, !readingBody { arm(context, timeouts.idle, .idle) }
        }
        context.write(data, promise: promise)
    }

    /// Which deadline closed a connection (the `deadline` label of `stepup_http_connections_timed_out_total`).
    enum Deadline: String, Sendable { case header, idle, request }

    /// Sets the deadline `timeout` from now; schedules the timer only when none is due by then.
    private func arm(_ context: ChannelHandlerContext, _ timeout: TimeAmount, _ kind: Deadline) {
        let due = NIODeadline.now() + timeout
        deadline = (due, kind)
        if let fires = timerFires, fires <= due { return }
        schedule(context, at: due)
    }

    private func schedule(_ context: ChannelHandlerContext, at due: NIODeadline) {
        timer?.cancel()
        timerFires = due
        let loop = context.eventLoop.assumeIsolatedUnsafeUnchecked()
        timer = loop.scheduleTask(deadline: due) { [self] in
            timer = nil
            timerFires = nil
            guard let deadline else { return }  // a request is being answered: no deadline until it ends
            if deadline.at <= .now() {
                gauge?.timedOut(deadline.kind)
                context.close(promise: nil)
            } else {
                schedule(context, at: deadline.at)
            }
        }
    }

    private func disarm() {
        timer?.cancel()
        timer = nil
        timerFires = nil
        deadline = nil
    }
}

/// Open HTTP connections and those the deadlines closed (exported to `/metrics`), and a `malloc_trim` once a
/// burst of connections has closed: a thousand closed connections leave their buffers' pages with glibc, and the
/// process's resident memory would stay at its peak.
final class ConnectionGauge: Sendable {
    private struct State {
        var open = 0
        var peak = 0
    }

    private let state = Mutex(State())
    /// A trim is worth it once this many connections closed since the peak.
    let burst: Int
    let metrics: StepUpMetrics?

    init(burst: Int = 256, metrics: StepUpMetrics? = nil) {
        self.burst = burst
        self.metrics = metrics
    }

    func timedOut(_ deadline: ConnectionDeadlines.Deadline) {
        metrics?.connectionTimedOut(deadline.rawValue)
    }

    var open: Int { state.withLock { $0.open } }

    func opened() {
        let open = state.withLock { state in
            state.open += 1
            state.peak = max(state.peak, state.open)
            return state.open
        }
        metrics?.openConnections(open)
    }

    func closed() {
        let (open, trim) = state.withLock { state -> (Int, Bool) in
            state.open -= 1
            guard state.peak - state.open >= burst, state.open <= state.peak / 4 else { return (state.open, false) }
            state.peak = state.open
            return (state.open, true)
        }
        metrics?.openConnections(open)
        // Off the event loop: trimming takes milliseconds.
        if trim { DispatchQueue.global(qos: .utility).async { ProcessMemory.trimFreePages() } }
    }
}
