import NIOCore

/// One SMTP reply: the code and its text lines (a multi-line reply `250-…` … `250 …` is one reply).
struct SMTPReply: Sendable {
    var code: Int
    var lines: [String]

    var isPositive: Bool { (200..<400).contains(code) }
    /// A 5xx reply: the server refuses for good (RFC 5321 4.2.1).
    var isPermanent: Bool { code >= 500 }
}

/// Bytes to replies. A line longer than 4 KiB or without a three-digit code closes the connection.
struct SMTPReplyDecoder: ByteToMessageDecoder {
    typealias InboundOut = SMTPReply

    private var lines: [String] = []

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let newline = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else {
            if buffer.readableBytes > 4_096 { throw DeliveryError("the SMTP server sent a line that is too long") }
            return .needMoreData
        }
        let length = newline - buffer.readerIndex + 1
        guard let raw = buffer.readString(length: length) else { return .needMoreData }
        let line = raw.trimmingTrailingNewline()
        let bytes = Array(line.utf8)
        guard bytes.count >= 3, let code = Int(String(decoding: bytes[0..<3], as: UTF8.self)), (200...599).contains(code)
        else { throw DeliveryError("the SMTP server sent a line that is not a reply") }
        lines.append(bytes.count > 4 ? String(decoding: bytes[4...], as: UTF8.self) : "")
        if bytes.count > 3, bytes[3] == UInt8(ascii: "-") { return .continue }
        context.fireChannelRead(wrapInboundOut(SMTPReply(code: code, lines: lines)))
        lines = []
        return .continue
    }
}

/// Hands replies to the client's async stream; the end of the connection ends the stream.
final class SMTPReplyForwarder: ChannelInboundHandler {
    typealias InboundIn = SMTPReply

    private let continuation: AsyncThrowingStream<SMTPReply, any Error>.Continuation

    init(_ continuation: AsyncThrowingStream<SMTPReply, any Error>.Continuation) {
        self.continuation = continuation
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        continuation.yield(unwrapInboundIn(data))
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        continuation.finish(throwing: error)
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        continuation.finish()
        context.fireChannelInactive()
    }
}

extension String {
    func trimmingTrailingNewline() -> String {
        var text = Substring(self)
        while let last = text.last, last == "\n" || last == "\r" || last == "\r\n" { text = text.dropLast() }
        return String(text)
    }
}
