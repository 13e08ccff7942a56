import Foundation
import Testing
@testable import StepUpCore

@Suite("Session levels", .timeLimit(.minutes(5)))
struct SessionLevelTests {
    let ladder = LevelLadder.nistDefault
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    func session(_ events: [(FactorKind, TimeInterval)], lastSeen: TimeInterval = 0) -> Session {
        Session(id: "s", userID: "u", createdAt: start, lastSeenAt: start.addingTimeInterval(lastSeen),
                expiresAt: start.addingTimeInterval(30 * 86_400),
                events: events.enumerated().map { index, pair in
                    AuthenticationEvent(id: "e\(index)", factor: pair.0, at: start.addingTimeInterval(pair.1))
                })
    }

    @Test func passwordAloneIsAAL1() {
        let s = session([(.password, 0)])
        #expect(s.effectiveLevel(in: ladder, at: start.addingTimeInterval(10))?.name == "aal1")
    }

    @Test func passwordAndTOTPIsAAL2UntilStale() {
        let s = session([(.password, 0), (.totp, 60)])
        #expect(s.effectiveLevel(in: ladder, at: start.addingTimeInterval(120))?.name == "aal2")
        // AAL2 lapses after 24 h even with activity, and after 1 h idle.
        var active = s
        active.lastSeenAt = start.addingTimeInterval(86_400)
        #expect(active.effectiveLevel(in: ladder, at: start.addingTimeInterval(86_400 + 61))?.name == "aal1")
        #expect(s.effectiveLevel(in: ladder, at: start.addingTimeInterval(3_600 + 61))?.name == "aal1")
    }

    @Test func oneEventCannotFillTwoConditions() {
        let s = session([(.totp, 0)])
        #expect(!s.satisfies(ladder["aal2"]!, at: start.addingTimeInterval(1)))
    }

    @Test func maxAgeAndAllowedFactorsNarrowWhatCounts() {
        let s = session([(.password, 0), (.totp, 0)])
        let aal2 = ladder["aal2"]!
        let later = start.addingTimeInterval(400)
        #expect(s.satisfies(aal2, at: later))
        #expect(!s.satisfies(aal2, at: later, maxAge: 300))
        #expect(!s.satisfies(aal2, at: later, allowedFactors: [.password, .webauthn]))
    }

    @Test func webauthnWithUserVerificationIsAAL3() {
        var event = AuthenticationEvent(id: "w", factor: .webauthn, at: start)
        event.traits.userVerified = true
        let s = Session(id: "s", userID: "u", createdAt: start, expiresAt: start.addingTimeInterval(86_400),
                        events: [event])
        #expect(s.effectiveLevel(in: ladder, at: start.addingTimeInterval(5))?.name == "aal3")
    }

    @Test func revokedOrExpiredSessionsHaveNoLevel() {
        var s = session([(.password, 0), (.totp, 0)])
        s.revokedAt = start
        #expect(s.effectiveLevel(in: ladder, at: start.addingTimeInterval(1)) == nil)
        let expired = session([(.password, 0)])
        #expect(expired.effectiveLevel(in: ladder, at: start.addingTimeInterval(31 * 86_400)) == nil)
    }

    @Test func amrAndAuthTime() {
        let s = session([(.password, 0), (.totp, 30), (.password, 40)])
        #expect(s.amr == ["pwd", "otp"])
        #expect(s.authTime == start.addingTimeInterval(40))
    }
}
