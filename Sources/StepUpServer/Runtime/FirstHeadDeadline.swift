import HummingbirdCore
import Logging
import NIOCore
import NIOWebSocket

/// The header deadline for a listener that negotiates WebSocket upgrades: there, HTTP handlers (and
/// ``ConnectionDeadlines``) join the pipeline only once the first request head has been read, so a client
/// trickling that head would otherwise hold the connection for ever.
///
/// Sits first in the pipeline, reads nothing, and when the header timeout passes looks at what the connection
/// became: plain HTTP (``ConnectionDeadlines`` took over) or a WebSocket. If neither, the head never arrived
/// and the connection is closed.
final class FirstHeadDeadline: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer

    private let timeout: TimeAmount
    private var timer: Scheduled<Void>?

    init(_ timeout: TimeAmount) { self.timeout = timeout }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { arm(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        arm(context)
        context.fireChannelActive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
    }

    private func arm(_ context: ChannelHandlerContext) {
        guard timer == nil else { return }
        let loop = context.eventLoop.assumeIsolatedUnsafeUnchecked()
        timer = loop.scheduleTask(in: timeout) { [self] in
            timer = nil
            let pipeline = context.pipeline.syncOperations
            let becameHTTP = (try? pipeline.handler(type: ConnectionDeadlines.self)) != nil
            let becameWebSocket = (try? pipeline.handler(type: ByteToMessageHandler<WebSocketFrameDecoder>.self)) != nil
            if becameHTTP || becameWebSocket {
                pipeline.removeHandler(context: context, promise: nil)
            } else {
                context.close(promise: nil)
            }
        }
    }
}

/// A child channel with a ``FirstHeadDeadline`` in front of `base`'s handlers.
struct FirstHeadDeadlineChannel<Base: ServerChildChannel>: ServerChildChannel {
    typealias Value = Base.Value
    let base: Base
    let timeout: TimeAmount

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        do {
            try channel.pipeline.syncOperations.addHandler(FirstHeadDeadline(timeout), position: .first)
        } catch {
            return channel.eventLoop.makeFailedFuture(error)
        }
        return base.setup(channel: channel, logger: logger)
    }

    func handle(value: Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}
