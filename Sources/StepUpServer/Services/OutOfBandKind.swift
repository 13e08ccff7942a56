import Foundation
import StepUpCore

/// What differs between the out-of-band code factors (e-mail, SMS): the channel, the destination's form and
/// mask, the limits and the words of the messages. Everything else — codes, scopes, the outbox — is shared.
struct OutOfBandKind: Sendable {
    var factor: FactorKind
    /// The outbox channel the messages go through.
    var channel: String
    var enabled: Bool
    /// "e-mail address", "phone number": for messages to the user.
    var destinationName: String
    /// The factor's label prefix on the account page ("E-mail", "Phone").
    var label: String
    var digits: Int
    var lifetime: TimeInterval
    /// Per-hour send budgets: per account, per destination, and (SMS) per destination prefix.
    var perAccount: Int
    var perDestination: Int
    var perPrefix: (digits: Int, limit: Int)?
    /// The canonical destination, or a reason it is refused.
    var normalize: @Sendable (String) -> Result<String, StepUpError>
    var mask: @Sendable (String) -> String
    /// E-mail has a subject; SMS does not.
    var subject: @Sendable (_ purpose: String) -> String
}

extension StepUpService {
    /// The description of an out-of-band code factor; `nil` for other factors.
    func outOfBand(_ factor: FactorKind) -> OutOfBandKind? {
        switch factor {
        case .emailOTP:
            let email = configuration.email
            return OutOfBandKind(
                factor: .emailOTP, channel: Self.emailChannel, enabled: email.channel != .none,
                destinationName: "e-mail address", label: "E-mail", digits: email.codeDigits,
                lifetime: email.codeLifetime, perAccount: email.sendsPerAccountPerHour,
                perDestination: email.sendsPerAddressPerHour, perPrefix: nil,
                normalize: { text in
                    Self.normalizedEmail(text).map { .success($0) }
                        ?? .failure(.invalidRequest("give one e-mail address, like name@example.com"))
                },
                mask: Self.maskedEmail, subject: { "StepUp code: " + $0 })
        case .smsOTP:
            let sms = configuration.sms
            return OutOfBandKind(
                factor: .smsOTP, channel: Self.smsChannel, enabled: sms.channel != .none,
                destinationName: "phone number", label: "Phone", digits: sms.codeDigits, lifetime: sms.codeLifetime,
                perAccount: sms.sendsPerAccountPerHour, perDestination: sms.sendsPerNumberPerHour,
                perPrefix: (sms.prefixDigits, sms.sendsPerPrefixPerHour),
                normalize: { text in Self.normalizedPhone(text, allowedPrefixes: sms.allowedPrefixes) },
                mask: Self.maskedPhone, subject: { _ in "" })
        default:
            return nil
        }
    }

    /// The factors that send codes and have a channel now.
    var enabledOutOfBandFactors: Set<FactorKind> {
        Set([FactorKind.emailOTP, .smsOTP].filter { outOfBand($0)?.enabled ?? false })
    }
}
