import Foundation
import StepUpCore
import StepUpStore
import StepUpTestSupport
import Testing

@Suite("Users and credentials, every backend", .timeLimit(.minutes(5)))
struct UserStoreConformanceTests {
    @Test(arguments: Backend.allCases)
    func createAndFetchCaseInsensitively(_ backend: Backend) async throws {
        try await withBackend(backend) { harness in
            let users = harness.stores.credentials
            let created = try await makeUser(harness.stores, roles: ["admin", "ops"])
            #expect(created.username == "alice")
            #expect(try await users.user(id: "u1") == created)
            #expect(try await users.user(username: "ALICE") == created)
            #expect(try await users.user(username: "alice")?.displayName == "Alice")
            #expect(try await users.user(username: "bob") == nil)
            #expect(try await users.user(id: "nobody") == nil)
        }
    }

    @Test(arguments: Backend.allCases)
    func duplicateUsernameInAnyCaseIsAConflict(_ backend: Backend) async throws {
        try await withBackend(backend) { harness in
            try await makeUser(harness.stores)
            await #expect(throws: StoreError.conflict("username alice")) {
                try await makeUser(harness.stores, id: "u2", username: "aLiCe")
            }
            await #expect(throws: StoreError.conflict("user u1")) {
                try await makeUser(harness.stores, id: "u1", username: "carol")
            }
            #expect(try await harness.stores.credentials.listUsers().count == 1)
        }
    }

    @Test(arguments: Backend.allCases)
    func concurrentCreatesOfOneNameLetExactlyOneWin(_ backend: Backend) async throws {
        try await withBackend(backend) { harness in
            let stores = harness.stores
            let outcomes = try await race(12) { index in
                do {
                    try await makeUser(stores, id: "u\(index)", username: "Racer")
                    return true
                } catch let error as StoreError where error.isConflict {
                    return false
                }
            }
            #expect(outcomes.filter { $0 }.count == 1)
            #expect(try await stores.credentials.listUsers().count == 1)
        }
    }

    @Test(arguments: Backend.allCases)
    func listDisableAndRoles(_ backend: Backend) async throws {
        try await withBackend(backend) { harness in
            let users = harness.stores.credentials
            try await makeUser(harness.stores, id: "u2", username: "zed")
            try await makeUser(harness.stores, id: "u1", username: "amy")
            #expect(try await users.listUsers().map(\.username) == ["amy", "zed"])

            try await users.setDisabled(userID: "u1", true)
            #expect(try await users.user(id: "u1")?.disabled == true)
            try await users.setDisabled(userID: "u1", false)
            #expect(try await users.user(id: "u1")?.disabled == false)

            try await users.setRoles(userID: "u2", ["auditor", "admin"])
            #expect(try await users.user(id: "u2")?.roles == ["auditor", "admin"])

            let missing = StoreError.notFound("user ghost")
            await #expect(throws: missing) { try await users.setDisabled(userID: "ghost", true) }
            await #expect(throws: missing) { try await users.setRoles(userID: "ghost", []) }
        }
    }

    @Test(arguments: Backend.allCases)
    func passwordHashIsReadAndReplacedOnlyThroughCredentials(_ backend: Backend) async throws {
        try await withBackend(backend) { harness in
            let users = harness.stores.credentials
            try await makeUser(harness.stores)
            #expect(try await users.passwordHash(userID: "u1")?.hasPrefix("$argon2id$") == true)
            try await users.setPasswordHash(userID: "u1", "$argon2id$v=19$new")
            #expect(try await users.passwordHash(userID: "u1") == "$argon2id$v=19$new")
            #expect(try await users.passwordHash(userID: "ghost") == nil)
            await #expect(throws: StoreError.notFound("user ghost")) {
                try await users.setPasswordHash(userID: "ghost", "x")
            }
            try await users.createUser(UserRecord(id: "u2", username: "nopass", createdAt: t0), passwordHash: nil)
            #expect(try await users.passwordHash(userID: "u2") == nil)
        }
    }
}
