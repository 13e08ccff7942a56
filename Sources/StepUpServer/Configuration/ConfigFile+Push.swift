import Foundation
import Yams

extension ConfigFile {
    /// `push:` — push approval and its channel.
    static func parsePush(_ value: Node, reader: Reader, into config: inout ServerConfiguration) throws {
        var push = config.push
        try reader.mapping(value, "push") { key, value in
            switch key {
            case "channel":
                let text = try reader.string(value, key)
                guard let channel = ServerConfiguration.Push.Channel(rawValue: text) else {
                    throw reader.error(value, "push.channel must be none, webpush or webhook, not \(text)")
                }
                push.channel = channel
            case "vapid_key": push.vapidKey = try reader.string(value, key)
            case "subject":
                let subject = try reader.string(value, key)
                guard subject.hasPrefix("mailto:") || subject.hasPrefix("https://") else {
                    throw reader.error(value, "push.subject must be a mailto: or https: contact")
                }
                push.subject = subject
            case "endpoint_hosts": push.endpointHosts = try reader.strings(value, key).map { $0.lowercased() }
            case "allow_any_endpoint": push.allowAnyEndpoint = try reader.bool(value, key)
            case "prompts_per_10_minutes": push.promptsPerTenMinutes = try reader.int(value, key, in: 1...100)
            case "ttl_seconds": push.ttl = try reader.int(value, key, in: 30...86_400)
            case "answers_per_address_per_10_minutes": push.answersPerAddress = try reader.int(value, key, in: 1...10_000)
            case "answers_per_challenge_per_10_minutes":
                push.answersPerChallenge = try reader.int(value, key, in: 1...1_000)
            case "event_streams_per_user": push.eventStreamsPerUser = try reader.int(value, key, in: 1...100)
            case "event_streams": push.eventStreams = try reader.int(value, key, in: 1...100_000)
            case "webhook":
                try reader.mapping(value, "push.webhook") { key, value in
                    switch key {
                    case "url": push.webhook.url = try reader.string(value, key)
                    case "secret":
                        push.webhook.secret = try reader.string(value, key)
                        guard push.webhook.secret.utf8.count >= 16 else {
                            throw reader.error(value, "push.webhook.secret must have at least 16 characters")
                        }
                    case "timeout_seconds": push.webhook.timeout = Double(try reader.int(value, key, in: 1...120))
                    default: throw reader.unknown(key, value, in: "push.webhook")
                    }
                }
            default: throw reader.unknown(key, value, in: "push")
            }
        }
        if push.channel == .webpush, push.vapidKey == nil {
            throw reader.error(value, "push.channel is webpush: set push.vapid_key (stepup init writes one)")
        }
        if push.channel == .webhook, push.webhook.url.isEmpty || push.webhook.secret.isEmpty {
            throw reader.error(value, "push.channel is webhook: set push.webhook.url and push.webhook.secret")
        }
        config.push = push
    }
}
