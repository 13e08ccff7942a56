import Foundation
import StepUpCore

/// E-mail addresses as destinations of one-time codes.
extension StepUpService {
    /// The outbox channel e-mail codes go through.
    static let emailChannel = "email"

    var emailEnabled: Bool { configuration.email.channel != .none }

    /// `nil` unless `text` is one plain address: one `@`, a dot in the domain, no spaces or control characters,
    /// at most 254 bytes. The domain is lower-cased.
    static func normalizedEmail(_ text: String) -> String? {
        let address = text.trimmingCharacters(in: .whitespaces)
        guard SMTPChannel.isSafeAddress(address), let at = address.lastIndex(of: "@"),
              address[address.index(after: at)...].contains(".")
        else { return nil }
        return String(address[..<at]) + address[at...].lowercased()
    }

    /// `a***@example.com`: enough for the user to recognise, not enough to harvest.
    @Sendable static func maskedEmail(_ address: String) -> String {
        guard let at = address.lastIndex(of: "@") else { return "***" }
        return String(address.prefix(1)) + "***" + address[at...]
    }

    /// Starts adding an e-mail address (see ``startCodeEnrollment(_:user:destination:client:)``).
    public func startEmailEnrollment(user: UserRecord, address: String, client: ClientInfo) async throws -> SentCode {
        try await startCodeEnrollment(.emailOTP, user: user, destination: address, client: client)
    }
}
