import Foundation
import StepUpCore
import StepUpStore
import StepUpTestSupport
import Testing

@Suite("Challenges, every backend", .timeLimit(.minutes(5)))
struct ChallengeStoreConformanceTests {
    func challenge(_ id: String = "c1", attempts: Int = 3) -> Challenge {
        Challenge(
            id: id, userID: "u1", sessionID: "s1", action: "payments.transfer",
            requirement: Requirement(level: "aal2", maxAge: 0, allowedFactors: [.totp, .webauthn],
                                     bind: ["amount", "payee"], message: "Transfer {{amount}}"),
            bindingHash: "b1", display: ["amount": "1,500.00 EUR", "payee": "ACME Ltd"],
            createdAt: t0, expiresAt: at(300), attemptsLeft: attempts, policyVersion: "p7")
    }

    @Test(arguments: Backend.allCases)
    func roundTripAndDuplicate(_ backend: Backend) async throws {
        try await withBackend(backend) { harness in
            let challenges = harness.stores.challenges
            try await challenges.createChallenge(challenge())
            #expect(try await challenges.challenge(id: "c1") == challenge())
            #expect(try await challenges.challenge(id: "nope") == nil)
            await #expect(throws: StoreError.conflict("challenge c1")) {
                try await challenges.createChallenge(challenge())
            }
        }
    }

    @Test(arguments: Backend.allCases)
    func pendingToSatisfiedToConsumedOnlyOnce(_ backend: Backend) async throws {
        try await withBackend(backend) { harness in
            let challenges = harness.stores.challenges
            try await challenges.createChallenge(challenge())
            #expect(try await challenges.consumeGrant(challengeID: "c1", at: at(5)) == false)
            #expect(try await challenges.markSatisfied(challengeID: "c1", at: at(10)))
            #expect(try await challenges.markSatisfied(challengeID: "c1", at: at(11)) == false)
            #expect(try await challenges.reserveAttempt(challengeID: "c1", at: at(12)) == nil)
            let satisfied = try await challenges.challenge(id: "c1")
            #expect(satisfied?.status == .satisfied)
            #expect(satisfied?.satisfiedAt == at(10))
            #expect(try await challenges.consumeGrant(challengeID: "c1", at: at(20)))
            #expect(try await challenges.consumeGrant(challengeID: "c1", at: at(21)) == false)
            #expect(try await challenges.challenge(id: "c1")?.status == .consumed)
            #expect(try await challenges.markSatisfied(challengeID: "nope", at: t0) == false)
            #expect(try await challenges.consumeGrant(challengeID: "nope", at: t0) == false)
        }
    }

    @Test(arguments: Backend.allCases)
    func attemptsAreReservedThenTheChallengeCloses(_ backend: Backend) async throws {
        try await withBackend(backend) { harness in
            let challenges = harness.stores.challenges
            try await challenges.createChallenge(challenge(attempts: 3))
            let first = try await challenges.reserveAttempt(challengeID: "c1", at: at(1))
            #expect(first?.attemptsLeft == 2)
            #expect(first?.status == .pending)
            // A wrong answer with attempts left keeps the challenge open.
            #expect(try await challenges.closeIfExhausted(challengeID: "c1")?.status == .pending)
            #expect(try await challenges.reserveAttempt(challengeID: "c1", at: at(2))?.attemptsLeft == 1)
            let last = try await challenges.reserveAttempt(challengeID: "c1", at: at(3))
            #expect(last?.attemptsLeft == 0)
            #expect(last?.status == .pending, "the last attempt may still be the right answer")
            #expect(try await challenges.reserveAttempt(challengeID: "c1", at: at(4)) == nil)
            #expect(try await challenges.closeIfExhausted(challengeID: "c1")?.status == .failed)
            #expect(try await challenges.markSatisfied(challengeID: "c1", at: at(5)) == false)
            #expect(try await challenges.reserveAttempt(challengeID: "nope", at: at(5)) == nil)
            #expect(try await challenges.closeIfExhausted(challengeID: "nope") == nil)
        }
    }

    @Test(arguments: Backend.allCases)
    func theLastAttemptCanStillSatisfy(_ backend: Backend) async throws {
        try await withBackend(backend) { harness in
            let challenges = harness.stores.challenges
            try await challenges.createChallenge(challenge(attempts: 1))
            #expect(try await challenges.reserveAttempt(challengeID: "c1", at: at(1))?.attemptsLeft == 0)
            #expect(try await challenges.markSatisfied(challengeID: "c1", at: at(2)))
            #expect(try await challenges.closeIfExhausted(challengeID: "c1")?.status == .satisfied)
        }
    }

    @Test(arguments: Backend.allCases)
    func anExpiredChallengeTakesNoAttempt(_ backend: Backend) async throws {
        try await withBackend(backend) { harness in
            let challenges = harness.stores.challenges
            try await challenges.createChallenge(challenge(attempts: 3))
            #expect(try await challenges.reserveAttempt(challengeID: "c1", at: at(300)) == nil)
            #expect(try await challenges.challenge(id: "c1")?.attemptsLeft == 3)
        }
    }

    @Test(arguments: Backend.allCases)
    func racingAnswersReserveExactlyTheAttempts(_ backend: Backend) async throws {
        try await withBackend(backend) { harness in
            let challenges = harness.stores.challenges
            try await challenges.createChallenge(challenge(attempts: 5))
            let results = try await race(40) { _ in try await challenges.reserveAttempt(challengeID: "c1", at: at(1)) }
            let spent = results.compactMap { $0 }
            #expect(spent.count == 5)
            #expect(Set(spent.map(\.attemptsLeft)) == [0, 1, 2, 3, 4])
            let final = try await challenges.closeIfExhausted(challengeID: "c1")
            #expect(final?.status == .failed)
            #expect(final?.attemptsLeft == 0)
        }
    }

    @Test(arguments: Backend.allCases)
    func racingSatisfyAndConsumeHaveOneWinnerEach(_ backend: Backend) async throws {
        try await withBackend(backend) { harness in
            let challenges = harness.stores.challenges
            try await challenges.createChallenge(challenge())
            let satisfied = try await race(16) { _ in try await challenges.markSatisfied(challengeID: "c1", at: t0) }
            #expect(satisfied.filter { $0 }.count == 1)
            let consumed = try await race(16) { _ in try await challenges.consumeGrant(challengeID: "c1", at: t0) }
            #expect(consumed.filter { $0 }.count == 1)
        }
    }
}
