import Foundation

/// Budgets for guesses: a unit is paid for *before* the guess is checked.
///
/// Every guessable secret — a password, a one-time code, a recovery code, a device-key nonce — is guarded by a
/// budget of `limit` units per sliding `window`. ``BudgetStore/spend(key:limit:window:at:)`` checks the budget and
/// records the spending in one conditional statement, so N concurrent guesses can never evaluate more than the
/// budget allows (check-then-act would let all N through). A guess that turns out right hands its unit back with
/// ``BudgetStore/refund(_:)``: only failures stay counted.
///
/// ```swift
/// switch try await budgets.spend(key: "code:\(user.id)", limit: 10, window: 900, at: now) {
/// case .exhausted(let retryAfter): throw …rateLimited(retryAfter)
/// case .spent(let receipt, _):
///     if codeIsRight { try await budgets.refund(receipt) }
/// }
/// ```
public protocol BudgetStore: Sendable {
    /// Spends one unit of `key`'s budget of `limit` units per `window` seconds ending at `at` (units spent in
    /// `(at - window, at]` count), atomically.
    func spend(key: String, limit: Int, window: TimeInterval, at: Date) async throws -> BudgetSpend
    /// Gives back a unit spent with ``spend(key:limit:window:at:)``; a no-op if it was already given back.
    func refund(_ receipt: BudgetReceipt) async throws
}

/// The answer to a ``BudgetStore/spend(key:limit:window:at:)``.
public enum BudgetSpend: Sendable, Hashable {
    /// The unit is spent; `remaining` more fit in the window.
    case spent(BudgetReceipt, remaining: Int)
    /// Nothing was spent; the oldest unit leaves the window after `retryAfter` seconds.
    case exhausted(retryAfter: TimeInterval)

    public var receipt: BudgetReceipt? {
        if case .spent(let receipt, _) = self { return receipt }
        return nil
    }
}

/// Proof of one spent unit, to refund it.
public struct BudgetReceipt: Sendable, Hashable {
    public var key: String
    public var id: String

    public init(key: String, id: String) {
        self.key = key
        self.id = id
    }
}

extension BudgetStore {
    /// A single-use token (a nonce): `true` for exactly one caller within `lifetime`, however many race.
    public func useOnce(_ key: String, lifetime: TimeInterval, at: Date) async throws -> Bool {
        try await spend(key: key, limit: 1, window: lifetime, at: at).receipt != nil
    }
}
