import Foundation
import HTTPTypes
import NIOCore
import NIOHTTPTypes

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
    /// When the connection is closed unless something happens first; `nil` while StepUp works on a request.
    private var deadline: NIODeadline?
    /// The one timer: it fires at or before `deadline` and, when the deadline moved on, re-arms itself for the rest.
    /// Requests move the deadline without touching the timer (no scheduling and cancelling per request).
    private var timer: Scheduled<Void>?
    private var timerFires: NIODeadline?
    /// Requests whose head has been read and whose response has not ended yet.
    private var unanswered = 0
    private var readingBody = false

    init(_ timeouts: Timeouts) { self.timeouts = timeouts }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { arm(context, timeouts.header) }
    }

    func channelActive(context: ChannelHandlerContext) {
        arm(context, timeouts.header)
        context.fireChannelActive()
    }

    func handlerRemoved(context: ChannelHandlerContext) { cancelTimer() }

    func channelInactive(context: ChannelHandlerContext) {
        cancelTimer()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            unanswered += 1
            readingBody = true
            arm(context, timeouts.request)
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
            if unanswered == 0, !readingBody { arm(context, timeouts.idle) }
        }
        context.write(data, promise: promise)
    }

    /// Sets the deadline `timeout` from now; schedules the timer only when none is due by then.
    private func arm(_ context: ChannelHandlerContext, _ timeout: TimeAmount) {
        let due = NIODeadline.now() + timeout
        deadline = due
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
            if deadline <= .now() {
                context.close(promise: nil)
            } else {
                schedule(context, at: deadline)
            }
        }
    }

    private func cancelTimer() {
        timer?.cancel()
        timer = nil
        timerFires = nil
        deadline = nil
    }
}
