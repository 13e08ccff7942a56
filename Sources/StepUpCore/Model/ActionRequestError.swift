/// Why an ``ActionRequest`` cannot be decided as sent.
///
/// The server maps it to a 400 problem; ``reason`` tells the caller what to send instead.
public struct ActionRequestError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Code: Sendable, Hashable {
        case invalidAction
        case shadowed
    }

    private let code: Code
    /// The names sent both as transaction fields and as context attributes (sorted); empty for other errors.
    public let shadowedNames: [String]
    /// What went wrong and what to do next, for the caller.
    public let reason: String

    private init(_ code: Code, shadowedNames: [String] = [], reason: String) {
        self.code = code
        self.shadowedNames = shadowedNames
        self.reason = reason
    }

    /// The action is not a valid name (``ActionName/isValid(_:)``).
    public static let invalidAction = ActionRequestError(
        .invalidAction,
        reason: "'action' must be 1–200 characters of letters, digits and . _ : - in dotted segments, "
            + "such as payments.transfer")

    /// Fields named both in `context.transaction` and `context.attributes`.
    ///
    /// Refused rather than resolved: a rule could judge one value while the step-up binds the other.
    public static func shadowed(_ names: [String]) -> ActionRequestError {
        let list = names.map { "'\($0)'" }.joined(separator: ", ")
        return ActionRequestError(
            .shadowed, shadowedNames: names,
            reason: "\(list) \(names.count == 1 ? "is" : "are") sent both as a transaction field and as a context "
                + "attribute; send each name once, under context.transaction if it is part of the transaction")
    }

    public var isInvalidAction: Bool { code == .invalidAction }
    public var isShadowed: Bool { code == .shadowed }

    public var description: String { reason }
}
