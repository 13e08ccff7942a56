import Foundation
import StepUpCore

extension StepUpService {
    /// Creates a user with an Argon2id password hash. Throws a ``StepUpError`` for a taken name or a weak password.
    @discardableResult
    public func createUser(username: String, password: String, displayName: String? = nil,
                           roles: [String] = []) async throws -> UserRecord {
        let name = username.trimmingCharacters(in: .whitespaces).lowercased()
        guard Self.isValidUsername(name) else {
            throw StepUpError.badRequest("usernames are 1–64 characters: letters, digits, '.', '_', '-', '@'")
        }
        guard password.count >= 8 else { throw StepUpError.badRequest("passwords must have at least 8 characters") }
        guard password.utf8.count <= 4_096 else { throw StepUpError.badRequest("passwords must be at most 4096 bytes") }
        let phc = try await crypto.hashPassword(password)
        let user = UserRecord(id: Tokens.id(prefix: "usr"), username: name, displayName: displayName ?? name,
                              roles: roles, createdAt: now())
        do {
            try await stores.credentials.createUser(user, passwordHash: phc)
        } catch let error as StoreError where error.isConflict {
            throw StepUpError.conflict("the username '\(name)' is taken")
        }
        try await auditor.record("user.created", at: now(), user: user.id, details: ["username": name,
                                 "roles": roles.joined(separator: ",")])
        return user
    }

    static func isValidUsername(_ name: String) -> Bool {
        guard (1...64).contains(name.count) else { return false }
        return name.unicodeScalars.allSatisfy { scalar in
            ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) || "._-@".unicodeScalars.contains(scalar)
        }
    }
}
