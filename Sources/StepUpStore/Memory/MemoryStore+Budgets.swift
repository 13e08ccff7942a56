import Foundation
import StepUpCore
import Synchronization

/// Check and spend under one lock: as atomic as the SQL backend's single conditional insert.
extension MemoryStore: BudgetStore {
    public func spend(key: String, limit: Int, window: TimeInterval, at: Date) async throws -> BudgetSpend {
        let horizon = at.addingTimeInterval(-window)
        return state.withLock { state in
            var units = state.budgets[key, default: []].filter { $0.at > horizon }
            guard units.count < limit else {
                state.budgets[key] = units
                let oldest = units.map(\.at).min() ?? at
                return .exhausted(retryAfter: max(1, oldest.addingTimeInterval(window).timeIntervalSince(at)))
            }
            let unit = BudgetUnit(id: UUID().uuidString, at: at)
            units.append(unit)
            state.budgets[key] = units
            return .spent(BudgetReceipt(key: key, id: unit.id), remaining: limit - units.count)
        }
    }

    public func refund(_ receipt: BudgetReceipt) async throws {
        state.withLock { state in
            state.budgets[receipt.key]?.removeAll { $0.id == receipt.id }
        }
    }
}
