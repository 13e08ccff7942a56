import Foundation
import StepUpCore
import StepUpStore
import StepUpTestSupport
import Testing

@Suite("Sessions, every backend", .timeLimit(.minutes(5)))
struct SessionStoreConformanceTests {
    func session(_ id: String = "s1", events: [AuthenticationEvent] = []) -> Session {
        Session(id: id, userID: "u1", createdAt: t0, expiresAt: at(3_600), deviceID: "d1", ip: "192.0.2.7",
                userAgent: "Test/1.0", events: events)
    }

    let password = AuthenticationEvent(id: "e1", factor: .password, at: t0)
    let key = AuthenticationEvent(
        id: "e2", factor: .webauthn,
        traits: FactorTraits(amr: ["hwk", "user"], phishingResistant: true, replayResistant: true,
                             userVerified: true, hardwareBound: true),
        at: at(30), deviceID: "d1", bindingHash: "abc123")

    @Test(arguments: Backend.allCases)
    func roundTripByTokenHashAndID(_ backend: Backend) async throws {
        try await withBackend(backend) { harness in
            let sessions = harness.stores.sessions
            try await makeUser(harness.stores)
            let original = session(events: [password])
            try await sessions.createSession(original, tokenHash: "th1")
            #expect(try await sessions.session(tokenHash: "th1") == original)
            #expect(try await sessions.session(id: "s1") == original)
            #expect(try await sessions.session(tokenHash: "other") == nil)
            #expect(try await sessions.session(id: "other") == nil)
            await #expect(throws: StoreError.conflict("session s1")) {
                try await sessions.createSession(session(), tokenHash: "th2")
            }
            await #expect(throws: StoreError.conflict("session s2")) {
                try await sessions.createSession(session("s2"), tokenHash: "th1")
            }
            var orphan = session("s3")
            orphan.userID = "ghost"
            await #expect(throws: StoreError.notFound("user ghost")) {
                try await sessions.createSession(orphan, tokenHash: "th3")
            }
        }
    }

    @Test(arguments: Backend.allCases)
    func eventsAppendInOrderAndKeepTheirTraits(_ backend: Backend) async throws {
        try await withBackend(backend) { harness in
            let sessions = harness.stores.sessions
            try await makeUser(harness.stores)
            try await sessions.createSession(session(events: [password]), tokenHash: "th1")
            try await sessions.appendEvent(sessionID: "s1", key)
            // An event with an earlier time appended later still comes last: order is order of proof.
            let late = AuthenticationEvent(id: "e3", factor: .totp, at: at(-5))
            try await sessions.appendEvent(sessionID: "s1", late)
            let stored = try await sessions.session(tokenHash: "th1")
            #expect(stored?.events == [password, key, late])
            #expect(stored?.amr == ["pwd", "hwk", "user", "otp"])
            await #expect(throws: StoreError.notFound("session nope")) {
                try await sessions.appendEvent(sessionID: "nope", key)
            }
            await #expect(throws: StoreError.conflict("event e2")) {
                try await sessions.appendEvent(sessionID: "s1", key)
            }
            #expect(try await sessions.session(id: "s1")?.events.count == 3)
        }
    }

    @Test(arguments: Backend.allCases)
    func concurrentAppendsAreAllKept(_ backend: Backend) async throws {
        try await withBackend(backend) { harness in
            let sessions = harness.stores.sessions
            try await makeUser(harness.stores)
            try await sessions.createSession(session(), tokenHash: "th1")
            _ = try await race(16) { index in
                try await sessions.appendEvent(
                    sessionID: "s1", AuthenticationEvent(id: "e\(index)", factor: .totp, at: at(Double(index))))
            }
            let ids = try await sessions.session(id: "s1")?.events.map(\.id) ?? []
            #expect(Set(ids) == Set((0..<16).map { "e\($0)" }))
        }
    }

    @Test(arguments: Backend.allCases)
    func touchAndRevoke(_ backend: Backend) async throws {
        try await withBackend(backend) { harness in
            let sessions = harness.stores.sessions
            try await makeUser(harness.stores)
            try await sessions.createSession(session(), tokenHash: "th1")
            try await sessions.touchSession(id: "s1", at: at(600))
            #expect(try await sessions.session(id: "s1")?.lastSeenAt == at(600))
            #expect(try await sessions.session(id: "s1")?.isActive(at: at(601)) == true)

            try await sessions.revokeSession(id: "s1", at: at(700))
            try await sessions.revokeSession(id: "s1", at: at(800))
            let revoked = try await sessions.session(tokenHash: "th1")
            #expect(revoked?.revokedAt == at(700))
            #expect(revoked?.isActive(at: at(701)) == false)
            let missing = StoreError.notFound("session nope")
            await #expect(throws: missing) { try await sessions.touchSession(id: "nope", at: t0) }
            await #expect(throws: missing) { try await sessions.revokeSession(id: "nope", at: t0) }
        }
    }

    @Test(arguments: Backend.allCases)
    func aPendingSignInIsActivatedOnceByItsChallenge(_ backend: Backend) async throws {
        try await withBackend(backend) { harness in
            _ = try await makeUser(harness.stores)
            let sessions = harness.stores.sessions
            let pending = Session(id: "s9", userID: "u1", createdAt: t0, expiresAt: at(3_600),
                                  pendingChallengeID: "chl_login")
            try await sessions.createSession(pending, tokenHash: "h9")
            #expect(try await sessions.session(id: "s9")?.isPending == true)
            #expect(try await sessions.activateSession(id: "s9", challengeID: "chl_other") == false)
            let wins = try await race(12) { _ in try await sessions.activateSession(id: "s9", challengeID: "chl_login") }
            #expect(wins.filter { $0 }.count == 1)
            #expect(try await sessions.session(tokenHash: "h9")?.isPending == false)
            #expect(try await sessions.activateSession(id: "nope", challengeID: "chl_login") == false)
        }
    }
}
