import Foundation
import StepUpCore
import Synchronization

extension MemoryStore: CredentialStore {
    public func createUser(_ user: UserRecord, passwordHash: String?) async throws {
        var user = user
        user.username = user.username.lowercased()
        try state.withLock { state in
            guard state.users[user.id] == nil else { throw StoreError.conflict("user \(user.id)") }
            guard !state.users.values.contains(where: { $0.username == user.username }) else {
                throw StoreError.conflict("username \(user.username)")
            }
            state.users[user.id] = user
            state.passwordHashes[user.id] = passwordHash
        }
    }

    public func user(id: String) async throws -> UserRecord? {
        state.withLock { $0.users[id] }
    }

    public func user(username: String) async throws -> UserRecord? {
        let wanted = username.lowercased()
        return state.withLock { $0.users.values.first { $0.username == wanted } }
    }

    public func listUsers() async throws -> [UserRecord] {
        state.withLock { Array($0.users.values) }.sorted { $0.username < $1.username }
    }

    public func setDisabled(userID: String, _ disabled: Bool) async throws {
        try state.withLock { state in
            try state.requireUser(userID)
            state.users[userID]?.disabled = disabled
        }
    }

    public func setRoles(userID: String, _ roles: [String]) async throws {
        try state.withLock { state in
            try state.requireUser(userID)
            state.users[userID]?.roles = roles
        }
    }

    public func passwordHash(userID: String) async throws -> String? {
        state.withLock { $0.passwordHashes[userID] }
    }

    public func setPasswordHash(userID: String, _ phc: String) async throws {
        try state.withLock { state in
            try state.requireUser(userID)
            state.passwordHashes[userID] = phc
        }
    }
}
