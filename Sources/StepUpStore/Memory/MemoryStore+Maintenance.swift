import Foundation
import StepUpCore
import Synchronization

extension MemoryStore: StoreMaintenance {
    public func pruneExpired(before cutoff: Date) async throws -> PruneReport {
        state.withLock { state in
            var report = PruneReport()
            for (id, session) in state.sessions
            where session.expiresAt < cutoff || (session.revokedAt.map { $0 < cutoff } ?? false) {
                state.sessions[id] = nil
                report.sessions += 1
            }
            state.sessionIDByTokenHash = state.sessionIDByTokenHash.filter { state.sessions[$0.value] != nil }
            for (id, challenge) in state.challenges where challenge.expiresAt < cutoff {
                state.challenges[id] = nil
                report.challenges += 1
            }
            for (key, times) in state.failures {
                let kept = times.filter { $0 >= cutoff }
                report.throttleFailures += times.count - kept.count
                state.failures[key] = kept.isEmpty ? nil : kept
            }
            for (key, units) in state.budgets {
                let kept = units.filter { $0.at >= cutoff }
                report.budgetUnits += units.count - kept.count
                state.budgets[key] = kept.isEmpty ? nil : kept
            }
            return report
        }
    }
}

extension MemoryStore: StoreWriteProbe {
    /// Memory always accepts writes.
    public func probeWrite() async throws {}
}
