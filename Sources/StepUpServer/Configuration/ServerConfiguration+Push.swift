import Foundation

extension ServerConfiguration {
    /// Push approval with number matching: `push:` in the configuration file.
    public struct Push: Sendable {
        public enum Channel: String, Sendable {
            /// Push approval is off: approvers cannot be enrolled and `push` is never offered.
            case none
            /// Web Push (RFC 8030/8291/8292) straight to each approver's browser push service.
            case webpush
            /// A signed JSON POST to `webhook.url`, for operators who relay to APNs, FCM, ntfy or Gotify themselves.
            case webhook
        }

        public var channel = Channel.none
        /// The VAPID private key, sealed with the keyring (base64): written by `stepup init`.
        public var vapidKey: String?
        /// The contact the push services see in VAPID tokens (`mailto:` or `https:`).
        public var subject = "mailto:admin@localhost"
        /// Hosts (or `.suffix`es) a subscription's endpoint may point at; the browsers' push services by default.
        public var endpointHosts = [".push.services.mozilla.com", "fcm.googleapis.com", ".push.apple.com",
                                    ".notify.windows.com"]
        /// Allow `http://` endpoints and any host (a local push relay, tests). Off in production: the server would
        /// otherwise POST wherever a user's browser says.
        public var allowAnyEndpoint = false
        /// Push prompts per account per 10 minutes (push fatigue).
        public var promptsPerTenMinutes = 3
        /// How long a push service keeps an undelivered notification.
        public var ttl = 300
        /// Answers (`POST /v1/push/answers`) per client address per 10 minutes, paid before the signature is checked.
        public var answersPerAddress = 30
        /// Answers per challenge per 10 minutes, from any address.
        public var answersPerChallenge = 10
        /// Open approver pages (server-sent event streams) per signed-in user, and in this process.
        public var eventStreamsPerUser = 3
        public var eventStreams = 200
        public var webhook = PushWebhook()

        public init() {}
    }

    /// The generic push webhook: `POST url` with the JSON notification and `StepUp-Signature: t=<unix>,v1=<hex>`,
    /// an HMAC-SHA256 with `secret` over `<t>.<body>`.
    public struct PushWebhook: Sendable {
        public var url = ""
        public var secret = ""
        public var timeout: TimeInterval = 10

        public init() {}
    }
}
