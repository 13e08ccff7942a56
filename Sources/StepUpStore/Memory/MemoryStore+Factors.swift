import Foundation
import StepUpCore
import Synchronization

extension MemoryStore: FactorSecretStore {
    public func addFactor(_ factor: FactorRecord) async throws {
        try state.withLock { state in
            try state.requireUser(factor.userID)
            guard state.factors[factor.id] == nil else { throw StoreError.conflict("factor \(factor.id)") }
            state.factors[factor.id] = factor
        }
    }

    public func factors(userID: String) async throws -> [FactorRecord] {
        state.withLock { state in state.factors.values.filter { $0.userID == userID } }
            .sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
            .map { factor in
                var redacted = factor
                redacted.sealedSecret = nil
                return redacted
            }
    }

    public func factor(id: String) async throws -> FactorRecord? {
        state.withLock { $0.factors[id] }
    }

    public func activateFactor(id: String) async throws {
        try state.withLock { state in
            guard state.factors[id] != nil else { throw StoreError.notFound("factor \(id)") }
            state.factors[id]?.status = .active
        }
    }

    public func removeFactor(id: String) async throws {
        try state.withLock { state in
            guard state.factors.removeValue(forKey: id) != nil else { throw StoreError.notFound("factor \(id)") }
        }
    }

    public func renameFactor(id: String, label: String) async throws {
        try state.withLock { state in
            guard state.factors[id] != nil else { throw StoreError.notFound("factor \(id)") }
            state.factors[id]?.label = label
        }
    }

    public func recordFactorUse(id: String, at: Date) async throws {
        try state.withLock { state in
            guard state.factors[id] != nil else { throw StoreError.notFound("factor \(id)") }
            state.factors[id]?.lastUsedAt = at
        }
    }

    public func recordAcceptedStep(factorID: String, step: Int64, at: Date) async throws -> Bool {
        try state.withLock { state in
            guard let factor = state.factors[factorID] else { throw StoreError.notFound("factor \(factorID)") }
            if let last = factor.lastAcceptedStep, last >= step { return false }
            state.factors[factorID]?.lastAcceptedStep = step
            state.factors[factorID]?.lastUsedAt = at
            return true
        }
    }
}

extension MemoryStore: RecoveryCodeStore {
    public func replaceRecoveryCodes(userID: String, with codes: [RecoveryCodeRecord]) async throws {
        try state.withLock { state in
            try state.requireUser(userID)
            state.recoveryCodes = state.recoveryCodes.filter { $0.value.userID != userID }
            for var code in codes {
                code.userID = userID
                state.recoveryCodes[code.id] = code
            }
        }
    }

    public func unusedRecoveryCodes(userID: String) async throws -> [RecoveryCodeRecord] {
        state.withLock { state in state.recoveryCodes.values.filter { $0.userID == userID && $0.usedAt == nil } }
            .sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
    }

    public func consumeRecoveryCode(id: String, at: Date) async throws -> Bool {
        state.withLock { state in
            guard let code = state.recoveryCodes[id], code.usedAt == nil else { return false }
            state.recoveryCodes[id]?.usedAt = at
            return true
        }
    }
}
