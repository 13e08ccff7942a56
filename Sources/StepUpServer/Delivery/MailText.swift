import Foundation

/// The RFC 5322 text of an e-mail: headers, a blank line, the body with CRLF line ends.
enum MailText {
    static func render(_ message: OutboundMessage, from: String, date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        let domain = address(in: from).split(separator: "@").last.map(String.init) ?? "stepup.invalid"
        let headers = [
            "From: \(headerValue(from))",
            "To: \(headerValue(message.to))",
            "Subject: \(headerValue(message.subject))",
            "Date: \(formatter.string(from: date))",
            // The idempotency key: a receiver that sees the same Message-ID twice can drop the repeat.
            "Message-ID: <\(headerValue(message.idempotencyKey))@\(domain)>",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: 8bit",
            "Auto-Submitted: auto-generated",
        ]
        let body = message.body.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n",
                                                                                    omittingEmptySubsequences: false)
        return headers.joined(separator: "\r\n") + "\r\n\r\n" + body.joined(separator: "\r\n") + "\r\n"
    }

    /// A header value on one line: CR and LF cannot start a new header.
    static func headerValue(_ text: String) -> String {
        String(text.unicodeScalars.filter { $0 != "\r" && $0 != "\n" })
    }

    /// `a@b` from `Name <a@b>` or `a@b`.
    static func address(in mailbox: String) -> String {
        if let open = mailbox.lastIndex(of: "<"), let close = mailbox.lastIndex(of: ">"), open < close {
            return String(mailbox[mailbox.index(after: open)..<close])
        }
        return mailbox.trimmingCharacters(in: .whitespaces)
    }

    /// SMTP's DATA transparency (RFC 5321 4.5.2): a line starting with a dot gets one more.
    static func dotStuffed(_ text: String) -> String {
        text.split(separator: "\r\n", omittingEmptySubsequences: false)
            .map { $0.hasPrefix(".") ? "." + $0 : String($0) }.joined(separator: "\r\n")
    }
}
