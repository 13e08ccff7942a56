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
    private var timer: Scheduled<Void>?
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

    func handlerRemoved(context: ChannelHandlerContext) { disarm() }

    func channelInactive(context: ChannelHandlerContext) {
        disarm()
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
            disarm()
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

    private func arm(_ context: ChannelHandlerContext, _ timeout: TimeAmount) {
        disarm()
        let loop = context.eventLoop.assumeIsolatedUnsafeUnchecked()
        timer = loop.scheduleTask(in: timeout) { [self] in
            timer = nil
            context.close(promise: nil)
        }
    }

    private func disarm() {
        timer?.cancel()
        timer = nil
    }
}
