import Foundation
import StepUpCore
import Synchronization

extension CachedStores: SessionStore {
    public func createSession(_ session: Session, tokenHash: String) async throws {
        try await write(dropping: { $0.dropSession(id: session.id) }) {
            try await backend.sessions.createSession(session, tokenHash: tokenHash)
        }
    }

    /// Unknown tokens are not remembered (guessing them must not fill memory).
    public func session(tokenHash: String) async throws -> Session? {
        try await cached({ $0.sessionsByToken[tokenHash].map { Optional($0) } }, key: "session:" + tokenHash,
                         load: { [store = backend.sessions] in try await store.session(tokenHash: tokenHash) },
                         fill: { state, session in
                             guard let session else { return }
                             if state.sessionsByToken.count >= Self.limit {
                                 state.sessionsByToken = [:]
                                 state.tokenBySession = [:]
                             }
                             state.sessionsByToken[tokenHash] = session
                             state.tokenBySession[session.id] = tokenHash
                         })
    }

    public func session(id: String) async throws -> Session? {
        try await backend.sessions.session(id: id)
    }

    public func appendEvent(sessionID: String, _ event: AuthenticationEvent) async throws {
        try await write(dropping: { $0.dropSession(id: sessionID) }) {
            try await backend.sessions.appendEvent(sessionID: sessionID, event)
        }
    }

    /// Every request of a session that arrives while its cached last activity is stale asks for this write; the
    /// first one writes and the others, within ``touchCoalescing`` of it, return at once. Without that, a busy
    /// session's requests queued up on its row (and on the change feed's) every time the interval passed: tens
    /// of writes, each waiting for the one before to commit.
    public func touchSession(id: String, at: Date) async throws {
        let covered = state.withLock { state -> Bool in
            if let last = state.touches[id], at.timeIntervalSince(last) < Self.touchCoalescing { return true }
            boundedInsert(&state.touches, id, at)
            return false
        }
        if covered { return }
        do {
            try await write(dropping: { $0.dropSession(id: id) }) {
                try await backend.sessions.touchSession(id: id, at: at)
            }
        } catch {
            // The next request writes again.
            state.withLock { state in if state.touches[id] == at { state.touches[id] = nil } }
            throw error
        }
    }

    /// How close to a write of a session's last activity another one is left out.
    public static let touchCoalescing: TimeInterval = 1

    public func revokeSession(id: String, at: Date) async throws {
        try await write(dropping: { $0.dropSession(id: id) }) {
            try await backend.sessions.revokeSession(id: id, at: at)
        }
    }

    public func replaceSessionToken(id: String, newTokenHash: String) async throws {
        try await write(dropping: { $0.dropSession(id: id) }) {
            try await backend.sessions.replaceSessionToken(id: id, newTokenHash: newTokenHash)
        }
    }

    public func activateSession(id: String, challengeID: String) async throws -> Bool {
        try await write(dropping: { $0.dropSession(id: id) }) {
            try await backend.sessions.activateSession(id: id, challengeID: challengeID)
        }
    }
}

extension CachedStores: CredentialStore {
    public func createUser(_ user: UserRecord, passwordHash: String?) async throws {
        try await write(dropping: { $0.users[user.id] = nil }) {
            try await backend.credentials.createUser(user, passwordHash: passwordHash)
        }
    }

    public func user(id: String) async throws -> UserRecord? {
        try await cached({ $0.users[id].map { Optional($0) } }, key: "user:" + id,
                         load: { [store = backend.credentials] in try await store.user(id: id) },
                         fill: { state, user in if let user { boundedInsert(&state.users, id, user) } })
    }

    public func user(username: String) async throws -> UserRecord? {
        try await backend.credentials.user(username: username)
    }

    public func listUsers() async throws -> [UserRecord] {
        try await backend.credentials.listUsers()
    }

    public func setDisabled(userID: String, _ disabled: Bool) async throws {
        try await write(dropping: { $0.users[userID] = nil }) {
            try await backend.credentials.setDisabled(userID: userID, disabled)
        }
    }

    public func setRoles(userID: String, _ roles: [String]) async throws {
        try await write(dropping: { $0.users[userID] = nil }) {
            try await backend.credentials.setRoles(userID: userID, roles)
        }
    }

    public func passwordHash(userID: String) async throws -> String? {
        try await backend.credentials.passwordHash(userID: userID)
    }

    public func setPasswordHash(userID: String, _ phc: String) async throws {
        try await write(dropping: { $0.users[userID] = nil }) {
            try await backend.credentials.setPasswordHash(userID: userID, phc)
        }
    }
}

extension CachedStores: FactorSecretStore {
    public func addFactor(_ factor: FactorRecord) async throws {
        try await write(dropping: { $0.factors[factor.userID] = nil }) {
            try await backend.factors.addFactor(factor)
        }
    }

    public func factors(userID: String) async throws -> [FactorRecord] {
        try await cached({ $0.factors[userID] }, key: "factors:" + userID,
                         load: { [store = backend.factors] in try await store.factors(userID: userID) },
                         fill: { boundedInsert(&$0.factors, userID, $1) })
    }

    public func factor(id: String) async throws -> FactorRecord? {
        try await backend.factors.factor(id: id)
    }

    // Changes by factor id: the owner is not known here, so every user's cached factors go.
    public func activateFactor(id: String) async throws {
        try await write(dropping: { $0.factors = [:] }) { try await backend.factors.activateFactor(id: id) }
    }

    public func removeFactor(id: String) async throws {
        try await write(dropping: { $0.factors = [:] }) { try await backend.factors.removeFactor(id: id) }
    }

    public func renameFactor(id: String, label: String) async throws {
        try await write(dropping: { $0.factors = [:] }) { try await backend.factors.renameFactor(id: id, label: label) }
    }

    public func recordFactorUse(id: String, at: Date) async throws {
        try await write(dropping: { $0.factors = [:] }) { try await backend.factors.recordFactorUse(id: id, at: at) }
    }

    public func recordAcceptedStep(factorID: String, step: Int64, at: Date) async throws -> Bool {
        try await write(dropping: { $0.factors = [:] }) {
            try await backend.factors.recordAcceptedStep(factorID: factorID, step: step, at: at)
        }
    }
}

extension CachedStores: RecoveryCodeStore {
    public func replaceRecoveryCodes(userID: String, with codes: [RecoveryCodeRecord]) async throws {
        try await write(dropping: { $0.recoveryCodes[userID] = nil }) {
            try await backend.recoveryCodes.replaceRecoveryCodes(userID: userID, with: codes)
        }
    }

    public func unusedRecoveryCodes(userID: String) async throws -> [RecoveryCodeRecord] {
        try await cached({ $0.recoveryCodes[userID] }, key: "recovery:" + userID,
                         load: { [codes = backend.recoveryCodes] in
                             try await codes.unusedRecoveryCodes(userID: userID)
                         },
                         fill: { boundedInsert(&$0.recoveryCodes, userID, $1) })
    }

    public func consumeRecoveryCode(id: String, at: Date) async throws -> Bool {
        try await write(dropping: { $0.recoveryCodes = [:] }) {
            try await backend.recoveryCodes.consumeRecoveryCode(id: id, at: at)
        }
    }
}

extension CachedStores: DeviceStore {
    public func device(userID: String, deviceID: String) async throws -> DeviceRecord? {
        try await cached({ $0.devices[userID]?[deviceID] }, key: "device:\(userID):\(deviceID)",
                         load: { [devices = backend.devices] in
                             try await devices.device(userID: userID, deviceID: deviceID)
                         },
                         fill: { state, record in
                             var known = state.devices[userID] ?? [:]
                             boundedInsert(&known, deviceID, record)
                             boundedInsert(&state.devices, userID, known)
                         })
    }

    @discardableResult
    public func recordDeviceSeen(userID: String, deviceID: String, label: String, at: Date) async throws
        -> DeviceRecord
    {
        try await write(dropping: { $0.devices[userID] = nil }) {
            try await backend.devices.recordDeviceSeen(userID: userID, deviceID: deviceID, label: label, at: at)
        }
    }

    public func trustDevice(userID: String, deviceID: String, until: Date) async throws {
        try await write(dropping: { $0.devices[userID] = nil }) {
            try await backend.devices.trustDevice(userID: userID, deviceID: deviceID, until: until)
        }
    }

    public func revokeDevice(userID: String, deviceID: String) async throws {
        try await write(dropping: { $0.devices[userID] = nil }) {
            try await backend.devices.revokeDevice(userID: userID, deviceID: deviceID)
        }
    }

    public func devices(userID: String) async throws -> [DeviceRecord] {
        try await backend.devices.devices(userID: userID)
    }
}

extension CachedStores: RiskHistoryStore {
    public func riskHistory(userID: String) async throws -> Data? {
        try await cached({ $0.risk[userID] }, key: "risk:" + userID,
                         load: { [store = backend.riskHistory] in try await store.riskHistory(userID: userID) },
                         fill: { boundedInsert(&$0.risk, userID, $1) })
    }

    /// Writes only a history that changed.
    public func saveRiskHistory(userID: String, _ data: Data) async throws {
        if state.withLock({ $0.risk[userID] }) == .some(data) { return }
        try await write(dropping: { $0.risk[userID] = nil }) {
            try await backend.riskHistory.saveRiskHistory(userID: userID, data)
        }
    }
}

extension CachedStores: AddressRuleStore {
    public func setAddressRule(_ rule: AddressRule) async throws {
        try await write(dropping: { $0.addressRules = nil }) { try await backend.addressRules.setAddressRule(rule) }
    }

    public func removeAddressRule(cidr: String) async throws {
        try await write(dropping: { $0.addressRules = nil }) {
            try await backend.addressRules.removeAddressRule(cidr: cidr)
        }
    }

    public func addressRules() async throws -> [AddressRule] {
        try await cached({ $0.addressRules }, key: "address-rules",
                         load: { [store = backend.addressRules] in try await store.addressRules() },
                         fill: { $0.addressRules = $1 })
    }
}

extension CachedStores: ThrottleStore {
    public func recordFailure(key: String, at: Date) async throws {
        try await write(dropping: { $0.failures[key] = nil }) {
            try await backend.throttle.recordFailure(key: key, at: at)
        }
    }

    /// Counts from the cached failure times when they reach back to `since`.
    public func failureCount(key: String, since: Date) async throws -> Int {
        let hit: Int? = state.withLock { state in
            guard let window = state.failures[key], window.since <= since else { return nil }
            return window.times.count { $0 >= since }
        }
        if let hit { return hit }
        let times = try await cached({ _ in nil },
                                     load: { [throttle = backend.throttle] in
                                         try await throttle.failureTimes(key: key, since: since,
                                                                         limit: Self.failureLimit + 1)
                                     },
                                     fill: { state, times in
                                         guard times.count <= Self.failureLimit else { return }
                                         boundedInsert(&state.failures, key, FailureWindow(since: since, times: times))
                                     })
        if times.count > Self.failureLimit { return try await backend.throttle.failureCount(key: key, since: since) }
        return times.count
    }

    public func failureTimes(key: String, since: Date, limit: Int) async throws -> [Date] {
        try await backend.throttle.failureTimes(key: key, since: since, limit: limit)
    }

    public func clearFailures(key: String) async throws {
        try await write(dropping: { $0.failures[key] = nil }) { try await backend.throttle.clearFailures(key: key) }
    }
}
