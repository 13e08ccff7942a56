import Foundation
import StepUpCore
import StepUpStore
import Testing

@Suite("Session token rotation, every backend", .timeLimit(.minutes(5)))
struct SessionTokenRotationTests {
    @Test(arguments: Backend.allCases)
    func aRotatedTokenReplacesTheOldOne(_ backend: Backend) async throws {
        try await withBackend(backend) { harness in
            let sessions = harness.stores.sessions
            try await makeUser(harness.stores)
            let session = Session(id: "s1", userID: "u1", createdAt: t0, expiresAt: at(3_600))
            try await sessions.createSession(session, tokenHash: "old")
            try await sessions.replaceSessionToken(id: "s1", newTokenHash: "new")
            #expect(try await sessions.session(tokenHash: "old") == nil)
            #expect(try await sessions.session(tokenHash: "new")?.id == "s1")
            await #expect(throws: StoreError.notFound("session nope")) {
                try await sessions.replaceSessionToken(id: "nope", newTokenHash: "x")
            }
        }
    }
}
