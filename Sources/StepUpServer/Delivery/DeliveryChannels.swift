import Foundation
import Logging
import StepUpCore

extension OutboxDispatcher {
    /// The channels the configuration turns on, by outbox channel name. `STEPUP_SMTP_PASSWORD` in the
    /// environment overrides `email.smtp.password` (keep secrets out of the file).
    static func channels(_ configuration: ServerConfiguration, environment: [String: String]) throws
        -> [String: any MessageChannel]
    {
        var channels: [String: any MessageChannel] = [:]
        let email = configuration.email
        switch email.channel {
        case .none: break
        case .file: channels[StepUpService.emailChannel] = FileChannel(directory: email.directory, from: email.from)
        case .smtp:
            var smtp = email.smtp
            if let password = environment["STEPUP_SMTP_PASSWORD"], !password.isEmpty { smtp.password = password }
            do {
                channels[StepUpService.emailChannel] = try SMTPChannel(settings: smtp, from: email.from)
            } catch {
                throw StartupError("email.smtp.ca_file: cannot use \(smtp.caFile ?? "the system's CAs"): \(error)")
            }
        }
        switch configuration.sms.channel {
        case .none: break
        case .file:
            channels[StepUpService.smsChannel] = FileChannel(directory: configuration.sms.directory, from: email.from)
        case .webhook:
            channels[StepUpService.smsChannel] = WebhookChannel(settings: configuration.sms.webhook,
                                                                environment: environment)
        }
        return channels
    }

    /// The sender for `service`'s outbox with the configured channels.
    public static func make(service: StepUpService, environment: [String: String] = ProcessInfo.processInfo.environment,
                            logger: Logger) throws -> OutboxDispatcher {
        var channels = try channels(service.configuration, environment: environment)
        let push = service.configuration.push
        switch push.channel {
        case .none: break
        case .webpush:
            if let vapid = try service.vapid() {
                channels[StepUpService.pushChannel] = PushChannel(sender: WebPushSender(vapid: vapid, now: service.now),
                                                                  ttl: push.ttl)
            }
        case .webhook:
            channels[StepUpService.pushChannel] = PushChannel(sender: WebhookPushSender(settings: push.webhook,
                                                                                        now: service.now),
                                                              ttl: push.ttl)
        }
        return OutboxDispatcher(outbox: service.stores.outbox, channels: channels,
                         settings: service.configuration.outbox, sealing: OutboxSealing(crypto: service.crypto),
                         metrics: service.metrics, logger: logger, now: service.now)
    }
}
