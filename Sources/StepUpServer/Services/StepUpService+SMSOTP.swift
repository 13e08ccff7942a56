import Foundation
import StepUpCore

/// Phone numbers as destinations of one-time codes. SMS is a *restricted* authenticator (NIST SP 800-63B-4:
/// numbers can be ported or SIM-swapped, messages intercepted): policies may leave it out of a level.
extension StepUpService {
    /// The outbox channel SMS codes go through.
    static let smsChannel = "sms"

    /// The E.164 form of `text` (`+` and 7 to 15 digits, the first not 0; spaces, dots, dashes and parentheses
    /// dropped), or why it is refused.
    static func normalizedPhone(_ text: String, allowedPrefixes: [String]) -> Result<String, StepUpError> {
        let kept = text.trimmingCharacters(in: .whitespaces).filter { !" .-()".contains($0) }
        let digits = kept.dropFirst()
        guard kept.hasPrefix("+"), (7...15).contains(digits.count), digits.allSatisfy({ $0.isASCII && $0.isNumber }),
              digits.first != "0"
        else {
            return .failure(.invalidRequest("give the phone number in international form, like +33 6 12 34 56 78"))
        }
        if !allowedPrefixes.isEmpty, !allowedPrefixes.contains(where: { kept.hasPrefix($0) }) {
            return .failure(.invalidRequest("codes cannot be sent to numbers starting \(kept.prefix(4)) here"))
        }
        return .success(kept)
    }

    /// `+33*******78`.
    @Sendable static func maskedPhone(_ number: String) -> String {
        guard number.count > 5 else { return "***" }
        return String(number.prefix(3)) + String(repeating: "*", count: number.count - 5) + String(number.suffix(2))
    }
}
