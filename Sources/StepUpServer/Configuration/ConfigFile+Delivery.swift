import Foundation
import Yams

extension ConfigFile {
    /// `email:` — the e-mail code factor and its channel.
    static func parseEmail(_ value: Node, reader: Reader, into config: inout ServerConfiguration) throws {
        var passwordNode: Node?
        try reader.mapping(value, "email") { key, value in
            switch key {
            case "channel":
                let text = try reader.string(value, key)
                guard let channel = ServerConfiguration.Email.Channel(rawValue: text) else {
                    throw reader.error(value, "email.channel must be none, file or smtp, not \(text)")
                }
                config.email.channel = channel
            case "from":
                let from = try reader.string(value, key)
                guard SMTPChannel.isSafeAddress(MailText.address(in: from)), !from.contains("\n"), !from.contains("\r")
                else { throw reader.error(value, "email.from must be an address, e.g. StepUp <stepup@example.com>") }
                config.email.from = from
            case "directory": config.email.directory = try reader.string(value, key)
            case "code_digits": config.email.codeDigits = try reader.int(value, key, in: 6...8)
            case "code_lifetime_seconds": config.email.codeLifetime = Double(try reader.int(value, key, in: 30...900))
            case "sends_per_account_per_hour":
                config.email.sendsPerAccountPerHour = try reader.int(value, key, in: 1...1_000)
            case "sends_per_address_per_hour":
                config.email.sendsPerAddressPerHour = try reader.int(value, key, in: 1...1_000)
            case "smtp": try parseSMTP(value, reader: reader, into: &config.email.smtp, passwordNode: &passwordNode)
            default: throw reader.unknown(key, value, in: "email")
            }
        }
        if let node = passwordNode, config.email.smtp.security == .plain {
            throw reader.error(node, "email.smtp: a password is never sent without TLS; set security to starttls "
                + "or tls")
        }
    }

    private static func parseSMTP(_ value: Node, reader: Reader, into smtp: inout ServerConfiguration.SMTP,
                                  passwordNode: inout Node?) throws {
        try reader.mapping(value, "email.smtp") { key, value in
            switch key {
            case "host": smtp.host = try reader.string(value, key)
            case "port": smtp.port = try reader.int(value, key, in: 1...65_535)
            case "security":
                let text = try reader.string(value, key)
                guard let security = ServerConfiguration.SMTP.Security(rawValue: text) else {
                    throw reader.error(value, "email.smtp.security must be starttls, tls or plain, not \(text)")
                }
                smtp.security = security
            case "username": smtp.username = try reader.string(value, key)
            case "password":
                smtp.password = try reader.string(value, key)
                passwordNode = value
            case "ca_file": smtp.caFile = try reader.string(value, key)
            case "timeout_seconds": smtp.timeout = Double(try reader.int(value, key, in: 1...300))
            case "helo": smtp.helo = try reader.string(value, key)
            default: throw reader.unknown(key, value, in: "email.smtp")
            }
        }
    }

    /// `outbox:` — the background sender's retries.
    static func parseOutbox(_ value: Node, reader: Reader, into config: inout ServerConfiguration) throws {
        try reader.mapping(value, "outbox") { key, value in
            switch key {
            case "max_attempts": config.outbox.maxAttempts = try reader.int(value, key, in: 1...100)
            case "backoff_seconds": config.outbox.backoff = Double(try reader.int(value, key, in: 1...3_600))
            case "max_backoff_seconds": config.outbox.maxBackoff = Double(try reader.int(value, key, in: 1...86_400))
            case "poll_seconds": config.outbox.pollInterval = Double(try reader.int(value, key, in: 1...60))
            case "lease_seconds": config.outbox.lease = Double(try reader.int(value, key, in: 10...3_600))
            default: throw reader.unknown(key, value, in: "outbox")
            }
        }
    }
}

extension ConfigFile {
    /// `sms:` — the SMS code factor, its channel and its abuse limits.
    static func parseSMS(_ value: Node, reader: Reader, into config: inout ServerConfiguration) throws {
        var sms = config.sms
        try reader.mapping(value, "sms") { key, value in
            switch key {
            case "channel":
                let text = try reader.string(value, key)
                guard let channel = ServerConfiguration.SMS.Channel(rawValue: text) else {
                    throw reader.error(value, "sms.channel must be none, webhook or file, not \(text)")
                }
                sms.channel = channel
            case "directory": sms.directory = try reader.string(value, key)
            case "code_digits": sms.codeDigits = try reader.int(value, key, in: 6...8)
            case "code_lifetime_seconds": sms.codeLifetime = Double(try reader.int(value, key, in: 30...900))
            case "sends_per_account_per_hour": sms.sendsPerAccountPerHour = try reader.int(value, key, in: 1...1_000)
            case "sends_per_number_per_hour": sms.sendsPerNumberPerHour = try reader.int(value, key, in: 1...1_000)
            case "sends_per_prefix_per_hour": sms.sendsPerPrefixPerHour = try reader.int(value, key, in: 1...100_000)
            case "prefix_digits": sms.prefixDigits = try reader.int(value, key, in: 2...16)
            case "allowed_prefixes":
                sms.allowedPrefixes = try reader.strings(value, key)
                for (index, prefix) in sms.allowedPrefixes.enumerated()
                where !(prefix.hasPrefix("+") && prefix.count >= 2 && prefix.dropFirst().allSatisfy(\.isNumber)) {
                    throw reader.error(value.sequence?[index] ?? value,
                                       "sms.allowed_prefixes: '\(prefix)' must be + and digits, like +33")
                }
            case "webhook": try parseWebhook(value, reader: reader, into: &sms.webhook)
            default: throw reader.unknown(key, value, in: "sms")
            }
        }
        if sms.channel == .webhook, sms.webhook.url.isEmpty {
            throw reader.error(value, "sms.channel is webhook: set sms.webhook.url")
        }
        config.sms = sms
    }

    private static func parseWebhook(_ value: Node, reader: Reader, into webhook: inout ServerConfiguration.Webhook)
        throws
    {
        try reader.mapping(value, "sms.webhook") { key, value in
            switch key {
            case "url":
                let url = try reader.string(value, key)
                guard url.hasPrefix("https://") || url.hasPrefix("http://") else {
                    throw reader.error(value, "sms.webhook.url must start with https:// (or http:// for a local relay)")
                }
                webhook.url = url
            case "method":
                let method = try reader.string(value, key).uppercased()
                guard ["POST", "PUT", "GET"].contains(method) else {
                    throw reader.error(value, "sms.webhook.method must be POST, PUT or GET")
                }
                webhook.method = method
            case "headers":
                var headers: [String: String] = [:]
                try reader.mapping(value, "sms.webhook.headers") { name, node in
                    let text = try reader.string(node, name)
                    guard !text.contains("\n"), !text.contains("\r") else {
                        throw reader.error(node, "sms.webhook.headers.\(name) must be one line")
                    }
                    headers[name] = text
                }
                webhook.headers = headers
            case "format":
                let text = try reader.string(value, key)
                guard let format = ServerConfiguration.Webhook.Format(rawValue: text) else {
                    throw reader.error(value, "sms.webhook.format must be json or form, not \(text)")
                }
                webhook.format = format
            case "body": webhook.body = try reader.string(value, key)
            case "timeout_seconds": webhook.timeout = Double(try reader.int(value, key, in: 1...120))
            default: throw reader.unknown(key, value, in: "sms.webhook")
            }
        }
    }
}
