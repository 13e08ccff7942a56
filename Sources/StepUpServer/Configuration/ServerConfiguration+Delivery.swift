import Foundation

extension ServerConfiguration {
    /// E-mail one-time codes and how they leave: `email:` in the configuration file.
    public struct Email: Sendable {
        public enum Channel: String, Sendable {
            /// E-mail codes are off: the factor cannot be enrolled and is never offered.
            case none
            /// Messages are written to `directory` (demo, development).
            case file
            case smtp
        }

        public var channel = Channel.none
        /// The `From:` mailbox, e.g. `StepUp <stepup@example.com>`.
        public var from = "StepUp <stepup@localhost>"
        /// Where the file channel writes (relative to the configuration file).
        public var directory = "mail"
        public var smtp = SMTP()
        /// Digits of a code: 6 to 8.
        public var codeDigits = 6
        /// How long a code works.
        public var codeLifetime: TimeInterval = 300
        /// Codes sent per account per hour (step-ups and address verification together).
        public var sendsPerAccountPerHour = 10
        /// Codes sent to one address per hour, whichever account asks.
        public var sendsPerAddressPerHour = 5

        public init() {}
    }

    /// An SMTP submission server.
    public struct SMTP: Sendable {
        public enum Security: String, Sendable {
            /// Plain connection upgraded with `STARTTLS` (port 587); refused when the server does not offer it.
            case starttls
            /// TLS from the first byte (port 465).
            case tls
            /// No TLS at all: only for a relay on the same host; no password is ever sent this way.
            case plain
        }

        public var host = "localhost"
        public var port = 587
        public var security = Security.starttls
        public var username: String?
        /// Write `${SMTP_PASSWORD}` to take it from the environment.
        public var password: String?
        /// A PEM file of CA certificates to trust instead of the system's (a private relay, tests).
        public var caFile: String?
        /// For the connection and for each reply.
        public var timeout: TimeInterval = 10
        /// The name StepUp gives in `EHLO`.
        public var helo = "stepup.localhost"

        public init() {}
    }

    /// The durable outbox's sender: `outbox:` in the configuration file.
    public struct Outbox: Sendable {
        /// Attempts before a message is marked failed (`stepup outbox retry` puts it back).
        public var maxAttempts = 8
        /// The first retry's delay; each further one doubles, up to `maxBackoff`.
        public var backoff: TimeInterval = 2
        public var maxBackoff: TimeInterval = 300
        /// How often the sender looks for due messages.
        public var pollInterval: TimeInterval = 1
        /// How long a taken message is left to its sender before another may take it (a crash mid-send).
        public var lease: TimeInterval = 120

        public init() {}
    }
}

extension ServerConfiguration {
    /// SMS one-time codes and how they leave: `sms:` in the configuration file.
    public struct SMS: Sendable {
        public enum Channel: String, Sendable {
            case none
            /// An HTTP request per message (`webhook`), e.g. to an SMS provider's API.
            case webhook
            /// Messages are written to `directory` (development).
            case file
        }

        public var channel = Channel.none
        public var directory = "sms"
        public var webhook = Webhook()
        public var codeDigits = 6
        public var codeLifetime: TimeInterval = 300
        public var sendsPerAccountPerHour = 5
        public var sendsPerNumberPerHour = 3
        /// Codes per hour to all numbers sharing their first `prefixDigits` characters (`+` and digits): SMS pumping
        /// sends to many numbers of one premium range.
        public var sendsPerPrefixPerHour = 20
        public var prefixDigits = 5
        /// When not empty, only numbers starting with one of these (`+33`, `+4915`) are accepted.
        public var allowedPrefixes: [String] = []

        public init() {}
    }

    /// An HTTP request made for each message. `url`, header values and `body` may hold `{{to}}`, `{{body}}` and
    /// `{{idempotency_key}}`; `url` and header values may hold `${NAME}`, taken from the environment at start.
    public struct Webhook: Sendable {
        public enum Format: String, Sendable {
            /// `body` is JSON; each placeholder becomes a JSON string (quotes included).
            case json
            /// `body` is `application/x-www-form-urlencoded`; each placeholder is percent-encoded.
            case form
        }

        public var url = ""
        public var method = "POST"
        public var headers: [String: String] = [:]
        public var format = Format.json
        public var body = #"{"to": {{to}}, "text": {{body}}}"#
        public var timeout: TimeInterval = 10

        public init() {}
    }
}
