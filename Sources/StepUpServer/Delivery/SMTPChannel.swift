import Foundation
import NIOCore
import NIOSSL

/// E-mail over SMTP (RFC 5321) with implicit TLS or STARTTLS (RFC 3207) and AUTH PLAIN or LOGIN (RFC 4954).
///
/// Every step has the configured timeout; a 5xx reply is a permanent failure, anything else is retried by the
/// outbox. The message's idempotency key becomes its `Message-ID`.
public struct SMTPChannel: MessageChannel {
    let settings: ServerConfiguration.SMTP
    let from: String
    let tls: NIOSSLContext?

    /// Throws when the CA file cannot be read.
    public init(settings: ServerConfiguration.SMTP, from: String) throws {
        self.settings = settings
        self.from = from
        if settings.security == .plain {
            tls = nil
        } else {
            var configuration = TLSConfiguration.makeClientConfiguration()
            configuration.minimumTLSVersion = .tlsv12
            if let file = settings.caFile { configuration.trustRoots = .file(file) }
            tls = try NIOSSLContext(configuration: configuration)
        }
    }

    public func deliver(_ message: OutboundMessage) async throws {
        let recipient = MailText.address(in: message.to)
        guard Self.isSafeAddress(recipient) else {
            throw DeliveryError("'\(recipient.prefix(64))' is not an e-mail address", permanent: true)
        }
        let text = MailText.render(message, from: from, date: Date())
        do {
            try await withDeadline(settings.timeout * 6) {
                try await converse(recipient: recipient, text: text)
            }
        } catch let error as DeliveryError {
            throw error
        } catch {
            throw DeliveryError("SMTP \(settings.host):\(settings.port): \(error)")
        }
    }

    private func converse(recipient: String, text: String) async throws {
        let connection = try await SMTPConnection.connect(
            host: settings.host, port: settings.port, tls: settings.security == .tls ? tls : nil,
            connectTimeout: settings.timeout)
        defer { connection.close() }
        try await connection.expectReply([220], after: "greeting")
        var capabilities = try await connection.command("EHLO \(settings.helo)", expect: [250]).lines
        if settings.security == .starttls {
            guard capabilities.contains(where: { $0.uppercased().hasPrefix("STARTTLS") }), let tls else {
                throw DeliveryError("the SMTP server does not offer STARTTLS; set email.smtp.security", permanent: true)
            }
            try await connection.command("STARTTLS", expect: [220])
            try await connection.startTLS(tls, host: settings.host)
            capabilities = try await connection.command("EHLO \(settings.helo)", expect: [250]).lines
        }
        if let username = settings.username {
            try await authenticate(connection, username: username, password: settings.password ?? "",
                                   capabilities: capabilities)
        }
        try await connection.command("MAIL FROM:<\(MailText.address(in: from))>", expect: [250])
        try await connection.command("RCPT TO:<\(recipient)>", expect: [250, 251])
        try await connection.command("DATA", expect: [354])
        try await connection.write(MailText.dotStuffed(text) + ".\r\n")
        try await connection.expectReply([250], after: "message")
        _ = try? await connection.command("QUIT", expect: [221])
    }

    private func authenticate(_ connection: SMTPConnection, username: String, password: String,
                              capabilities: [String]) async throws {
        let mechanisms = Set(capabilities.filter { $0.uppercased().hasPrefix("AUTH") }
            .flatMap { $0.uppercased().split(whereSeparator: { $0 == " " || $0 == "=" }).dropFirst() }.map(String.init))
        if mechanisms.contains("PLAIN") {
            let token = Data(([0] + Array(username.utf8) + [0] + Array(password.utf8))).base64EncodedString()
            try await connection.command("AUTH PLAIN \(token)", expect: [235], redacted: "AUTH PLAIN")
        } else if mechanisms.contains("LOGIN") {
            try await connection.command("AUTH LOGIN", expect: [334])
            try await connection.command(Data(username.utf8).base64EncodedString(), expect: [334], redacted: "user")
            try await connection.command(Data(password.utf8).base64EncodedString(), expect: [235],
                                         redacted: "password")
        } else {
            throw DeliveryError("the SMTP server offers neither AUTH PLAIN nor AUTH LOGIN", permanent: true)
        }
    }

    /// No CR, LF, angle brackets or spaces (nothing that could start another command), one `@`.
    static func isSafeAddress(_ address: String) -> Bool {
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && !parts[1].isEmpty && address.utf8.count <= 254
            && !address.unicodeScalars.contains { $0.value < 0x21 || $0 == "<" || $0 == ">" || $0.value == 0x7F }
    }
}

/// Runs `operation`, cancelling it after `seconds`.
func withDeadline<T: Sendable>(_ seconds: TimeInterval, _ operation: @escaping @Sendable () async throws -> T)
    async throws -> T
{
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            try await Task.sleep(for: .milliseconds(Int64(seconds * 1_000)))
            throw DeliveryError("timed out after \(Int(seconds)) seconds")
        }
        defer { group.cancelAll() }
        guard let result = try await group.next() else { throw DeliveryError("cancelled") }
        return result
    }
}
