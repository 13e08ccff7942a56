import NIOCore

/// Reads HTTP/1.1 responses from a byte stream only as far as the load generator needs: where each ends, its status,
/// and whether the server closes the connection after it. Bodies are skipped, never kept.
///
/// Handles `Content-Length`, `Transfer-Encoding: chunked` and bodiless answers (1xx, 204, 304). A response that is
/// none of these ends only when the connection does; the generator never asks for one and treats it as malformed.
/// It works on raw bytes (no `String` per header): it runs once per request the generator sends, on the same two
/// cores as the server it measures.
struct HTTPResponseScanner {
    struct Malformed: Error, CustomStringConvertible {
        var reason: String
        var description: String { "malformed HTTP response: \(reason)" }
    }

    private enum State {
        case head
        case body(remaining: Int)
        case chunkSize
        case chunkData(remaining: Int)
        case chunkDataEnd
        case trailers
    }

    private var state = State.head
    private var pending = ByteBuffer()
    private var status = 0
    /// The last complete response asked for the connection to close.
    private(set) var closesConnection = false

    /// Heads and lines longer than this are refused (a generator reading garbage must not grow without end).
    static let maxHead = 64 * 1024

    /// Consumes bytes; returns the status of the next complete response, or nil when more bytes are needed. Call it
    /// again until it answers nil: one read may hold several responses.
    mutating func scan(_ input: inout ByteBuffer) throws -> Int? {
        if input.readableBytes > 0 {
            if pending.readableBytes == 0 {
                swap(&pending, &input)  // the common case: a whole answer in one read, no copy
                input.clear()
            } else {
                pending.writeBuffer(&input)
            }
        }
        while true {
            switch state {
            case .head:
                guard let length = Self.find(pending, [13, 10, 13, 10]) else {
                    if pending.readableBytes > Self.maxHead { throw Malformed(reason: "a head over 64 KiB") }
                    return nil
                }
                try pending.withUnsafeReadableBytes { try parseHead(UnsafeRawBufferPointer(rebasing: $0[..<length])) }
                pending.moveReaderIndex(forwardBy: length + 4)
            case .body(let remaining):
                let left = skip(remaining)
                guard left == 0 else {
                    state = .body(remaining: left)
                    return nil
                }
                return complete()
            case .chunkSize, .trailers:
                guard let length = try lineLength() else { return nil }
                if case .trailers = state {
                    pending.moveReaderIndex(forwardBy: length + 2)
                    if length == 0 { return complete() }
                    continue
                }
                let size = pending.withUnsafeReadableBytes { Self.chunkSize(UnsafeRawBufferPointer(rebasing: $0[..<length])) }
                pending.moveReaderIndex(forwardBy: length + 2)
                guard let size else { throw Malformed(reason: "a chunk size that is not hexadecimal") }
                state = size == 0 ? .trailers : .chunkData(remaining: size)
            case .chunkData(let remaining):
                let left = skip(remaining)
                guard left == 0 else {
                    state = .chunkData(remaining: left)
                    return nil
                }
                state = .chunkDataEnd
            case .chunkDataEnd:
                guard let length = try lineLength() else { return nil }
                guard length == 0 else { throw Malformed(reason: "chunk data longer than its size") }
                pending.moveReaderIndex(forwardBy: 2)
                state = .chunkSize
            }
        }
    }

    /// Drops up to `count` body bytes; how many are still to come.
    private mutating func skip(_ count: Int) -> Int {
        let skipped = min(count, pending.readableBytes)
        pending.moveReaderIndex(forwardBy: skipped)
        return count - skipped
    }

    /// The offset of `needle` in `buffer`'s readable bytes.
    private static func find(_ buffer: ByteBuffer, _ needle: [UInt8]) -> Int? {
        buffer.withUnsafeReadableBytes { bytes in
            guard bytes.count >= needle.count else { return nil }
            var index = 0
            while index <= bytes.count - needle.count {
                if bytes[index] == needle[0] {
                    var matched = 1
                    while matched < needle.count, bytes[index + matched] == needle[matched] { matched += 1 }
                    if matched == needle.count { return index }
                }
                index += 1
            }
            return nil
        }
    }

    /// The length of the line at the front of `pending` (without its CRLF), nil until it is complete.
    private func lineLength() throws -> Int? {
        guard let length = Self.find(pending, [13, 10]) else {
            if pending.readableBytes > Self.maxHead { throw Malformed(reason: "a line over 64 KiB") }
            return nil
        }
        return length
    }

    private mutating func parseHead(_ head: UnsafeRawBufferPointer) throws {
        var lines = Lines(bytes: head)
        guard let statusLine = lines.next() else { throw Malformed(reason: "an empty head") }
        // "HTTP/1.x NNN": the version, one space, three digits.
        let digits = statusLine.count >= 12 ? Array(statusLine[9..<12]) : []
        guard statusLine.count >= 12, statusLine.starts(with: Array("HTTP/1.".utf8)), statusLine[8] == 32,
              digits.allSatisfy({ (48...57).contains($0) }),
              statusLine.count == 12 || statusLine[12] == 32
        else { throw Malformed(reason: "the status line '\(String(decoding: statusLine.prefix(64), as: UTF8.self))'") }
        let code = digits.reduce(0) { $0 * 10 + Int($1 - 48) }
        var length: Int?
        var chunked = false
        var close = statusLine[7] == 48  // HTTP/1.0 closes unless it says otherwise
        while let line = lines.next() {
            guard let colon = line.firstIndex(of: 58) else {
                throw Malformed(reason: "the header '\(String(decoding: line.prefix(64), as: UTF8.self))'")
            }
            let name = line[line.startIndex..<colon]
            let value = Self.trimmed(line[(colon + 1)...])
            if Self.equalsLowercase(name, "content-length") {
                guard !value.isEmpty, value.count < 16, value.allSatisfy({ (48...57).contains($0) }) else {
                    throw Malformed(reason: "a Content-Length that is not a number")
                }
                let parsed = value.reduce(0) { $0 * 10 + Int($1 - 48) }
                guard length == nil || length == parsed else { throw Malformed(reason: "two Content-Lengths") }
                length = parsed
            } else if Self.equalsLowercase(name, "transfer-encoding") {
                chunked = value.count >= 7 && Self.equalsLowercase(value.suffix(7), "chunked")
            } else if Self.equalsLowercase(name, "connection") {
                if Self.containsLowercase(value, "close") {
                    close = true
                } else if Self.containsLowercase(value, "keep-alive") {
                    close = false
                }
            }
        }
        closesConnection = close
        if (100..<200).contains(code) {
            state = .head  // an interim answer: the real one follows
            return
        }
        status = code
        if code == 204 || code == 304 {
            state = .body(remaining: 0)
        } else if chunked {
            state = .chunkSize
        } else if let length {
            state = .body(remaining: length)
        } else {
            throw Malformed(reason: "a \(code) answer with neither a length nor chunks")
        }
    }

    /// A chunk-size line: hexadecimal digits, optionally followed by `;extensions`.
    private static func chunkSize(_ line: UnsafeRawBufferPointer) -> Int? {
        var size = 0
        var digits = 0
        for byte in line {
            let value: Int
            switch byte {
            case 48...57: value = Int(byte - 48)
            case 97...102: value = Int(byte - 87)
            case 65...70: value = Int(byte - 55)
            case 59, 32, 9: return digits > 0 ? size : nil
            default: return nil
            }
            guard digits < 15 else { return nil }
            size = size * 16 + value
            digits += 1
        }
        return digits > 0 ? size : nil
    }

    private static func trimmed(_ bytes: Slice<UnsafeRawBufferPointer>) -> Slice<UnsafeRawBufferPointer> {
        var slice = bytes
        while let first = slice.first, first == 32 || first == 9 { slice = slice.dropFirst() }
        while let last = slice.last, last == 32 || last == 9 { slice = slice.dropLast() }
        return slice
    }

    private static func equalsLowercase(_ bytes: some Collection<UInt8>, _ word: StaticString) -> Bool {
        guard bytes.count == word.utf8CodeUnitCount else { return false }
        var index = 0
        for byte in bytes {
            let lower = (65...90).contains(byte) ? byte | 0x20 : byte
            guard lower == word.utf8Start[index] else { return false }
            index += 1
        }
        return true
    }

    private static func containsLowercase(_ bytes: Slice<UnsafeRawBufferPointer>, _ word: StaticString) -> Bool {
        let count = word.utf8CodeUnitCount
        guard bytes.count >= count else { return false }
        var start = bytes.startIndex
        while start + count <= bytes.endIndex {
            if equalsLowercase(bytes[start..<(start + count)], word) { return true }
            start += 1
        }
        return false
    }

    private mutating func complete() -> Int {
        state = .head
        if pending.readableBytes == 0 { pending.clear() }
        return status
    }

    /// The CRLF-separated lines of a head.
    private struct Lines {
        let bytes: UnsafeRawBufferPointer
        var position = 0

        mutating func next() -> Slice<UnsafeRawBufferPointer>? {
            guard position < bytes.count else { return nil }
            var end = position
            while end < bytes.count, !(bytes[end] == 13 && end + 1 < bytes.count && bytes[end + 1] == 10) { end += 1 }
            defer { position = min(end + 2, bytes.count) }
            return bytes[position..<end]
        }
    }
}
