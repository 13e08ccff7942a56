import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// One SMTP conversation over SwiftNIO: connect (optionally in TLS), send commands, read replies, upgrade with
/// STARTTLS. Used by one task at a time (``SMTPChannel``).
final class SMTPConnection {
    private let channel: any Channel
    private var replies: AsyncThrowingStream<SMTPReply, any Error>.AsyncIterator

    private init(channel: any Channel, replies: AsyncThrowingStream<SMTPReply, any Error>) {
        self.channel = channel
        self.replies = replies.makeAsyncIterator()
    }

    /// Connects; with `tls` the connection starts in TLS (implicit TLS, port 465).
    static func connect(host: String, port: Int, tls: NIOSSLContext?, connectTimeout: TimeInterval) async throws
        -> SMTPConnection
    {
        let (stream, continuation) = AsyncThrowingStream<SMTPReply, any Error>.makeStream()
        let serverName = Self.serverName(host)
        let bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.milliseconds(Int64(connectTimeout * 1_000)))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let operations = channel.pipeline.syncOperations
                    if let tls { try operations.addHandler(NIOSSLClientHandler(context: tls, serverHostname: serverName)) }
                    try operations.addHandler(ByteToMessageHandler(SMTPReplyDecoder()))
                    try operations.addHandler(SMTPReplyForwarder(continuation))
                }
            }
        let channel = try await bootstrap.connect(host: host, port: port).get()
        return SMTPConnection(channel: channel, replies: stream)
    }

    /// The name for SNI and certificate checks; an IP address is checked against the certificate's IP entries.
    static func serverName(_ host: String) -> String? {
        host.contains(":") || host.allSatisfy({ $0.isNumber || $0 == "." }) ? nil : host
    }

    func read() async throws -> SMTPReply {
        guard let reply = try await replies.next() else {
            throw DeliveryError("the SMTP server closed the connection")
        }
        return reply
    }

    func write(_ text: String) async throws {
        try await channel.writeAndFlush(ByteBuffer(string: text)).get()
    }

    /// Sends one command line and reads its reply; a reply outside `expect` throws (5xx permanent, else transient).
    @discardableResult
    func command(_ line: String, expect: Set<Int>, redacted: String? = nil) async throws -> SMTPReply {
        try await write(line + "\r\n")
        return try await expectReply(expect, after: redacted ?? line)
    }

    func expectReply(_ expect: Set<Int>, after what: String) async throws -> SMTPReply {
        let reply = try await read()
        guard expect.contains(reply.code) else {
            let text = reply.lines.joined(separator: " ").prefix(200)
            throw DeliveryError("SMTP \(what.prefix(40)): \(reply.code) \(text)", permanent: reply.isPermanent)
        }
        return reply
    }

    /// Puts TLS under the conversation (after `STARTTLS` got its 220).
    func startTLS(_ context: NIOSSLContext, host: String) async throws {
        let serverName = Self.serverName(host)
        try await channel.eventLoop.submit { [channel] in
            try channel.pipeline.syncOperations.addHandler(
                NIOSSLClientHandler(context: context, serverHostname: serverName), position: .first)
        }.get()
    }

    func close() {
        channel.close(promise: nil)
    }
}
