import Foundation
import Testing
@testable import StepUpCore

/// Issue #8 item 15: a rule's `factors` and `max_age` restrict the step-up factor, so every step-up can finish.
@Suite("Session step-ups that can finish", .timeLimit(.minutes(5)))
struct SessionStepUpTests {
    let ladder = LevelLadder.nistDefault
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    /// Events given as (factor, seconds ago); webauthn events are user-verified when `verified`.
    func session(_ events: [(FactorKind, TimeInterval)], verified: Bool = false) -> Session {
        Session(id: "s", userID: "u", createdAt: now.addingTimeInterval(-200_000), lastSeenAt: now,
                expiresAt: now.addingTimeInterval(86_400),
                events: events.enumerated().map { index, pair in
                    var event = AuthenticationEvent(
                        id: "e\(index)", factor: pair.0, at: now.addingTimeInterval(-pair.1))
                    if pair.0 == .webauthn { event.traits.userVerified = verified }
                    return event
                })
    }

    var aal1: Level { ladder["aal1"]! }
    var aal2: Level { ladder["aal2"]! }
    var aal3: Level { ladder["aal3"]! }

    @Test func aRuleAllowingOnlyTOTPCanBeMetWithTheSignInPassword() {
        let s = session([(.password, 600), (.totp, 10)])
        #expect(s.satisfies(aal2, at: now, allowedFactors: [.totp]))
        #expect(s.satisfies(aal2, at: now, allowedFactors: [.webauthn, .totp]))
    }

    @Test func maxAgeAppliesToTheStepUpNotTheSignIn() {
        // Signed in 10 minutes ago, TOTP just now: a 5-minute rule is met (it looped forever before).
        #expect(session([(.password, 600), (.totp, 10)]).satisfies(aal2, at: now, maxAge: 300))
        // The step-up itself is too old.
        #expect(!session([(.password, 600), (.totp, 360)]).satisfies(aal2, at: now, maxAge: 300))
        // Every event still counts only within the level's max_age (24 h for aal2).
        #expect(!session([(.password, 90_000), (.totp, 10)]).satisfies(aal2, at: now, maxAge: 300))
    }

    @Test func onlyAllowedFactorsMayBeTheStepUp() {
        let recovery = session([(.password, 60), (.recoveryCode, 10)])
        #expect(recovery.satisfies(aal2, at: now))
        #expect(!recovery.satisfies(aal2, at: now, allowedFactors: [.totp, .webauthn]))
        // A disallowed factor cannot fill a condition either.
        #expect(!session([(.push, 10)]).satisfies(aal1, at: now, allowedFactors: [.totp]))
    }

    @Test func thePasswordQualifiesOnlyWhenAllowedOrWhenNoFactorsAreNamed() {
        let password = session([(.password, 60)])
        #expect(!password.satisfies(aal1, at: now, allowedFactors: [.totp]))
        #expect(password.satisfies(aal1, at: now, allowedFactors: [.password]))
        #expect(password.satisfies(aal1, at: now, maxAge: 300))
        #expect(!session([(.password, 600)]).satisfies(aal1, at: now, maxAge: 300))
    }

    @Test func aPasskeyAloneMeetsAnAAL2RuleNamingIt() {
        let passkey = session([(.webauthn, 10)], verified: true)
        #expect(passkey.satisfies(aal2, at: now, maxAge: 60, allowedFactors: [.webauthn]))
        #expect(!session([(.webauthn, 10)], verified: false).satisfies(aal2, at: now, allowedFactors: [.webauthn]))
    }

    @Test func requirementsOutOfReachAreNotSatisfiable() {
        #expect(Requirement(level: "aal2", allowedFactors: [.totp]).isSatisfiable(in: ladder))
        #expect(Requirement(level: "aal2", maxAge: 0, allowedFactors: [.recoveryCode]).isSatisfiable(in: ladder))
        #expect(Requirement(level: "aal3", allowedFactors: [.webauthn]).isSatisfiable(in: ladder))
        #expect(Requirement(level: "aal3").isSatisfiable(in: ladder))
        #expect(!Requirement(level: "aal3", allowedFactors: [.totp, .password]).isSatisfiable(in: ladder))
        #expect(!Requirement(level: "aal2", allowedFactors: [.password]).isSatisfiable(in: ladder))
        #expect(!Requirement(level: "aal2", allowedFactors: []).isSatisfiable(in: ladder))
        #expect(!Requirement(level: "aal9").isSatisfiable(in: ladder))
    }

    @Test func aStrongerLevelCanSatisfyAWeakerRequirement() {
        // "low" needs password + TOTP, so [webauthn] cannot meet it, but "high" (any hardware-bound factor) can.
        let strongOnly = LevelLadder([
            Level(name: "low", rank: 1, acr: "low", combinations: [[.factor(.password), .factor(.totp)]],
                  maxAge: 3_600, idleTimeout: 3_600),
            Level(name: "high", rank: 2, acr: "high", combinations: [[FactorCondition(hardwareBound: true)]],
                  maxAge: 3_600, idleTimeout: 3_600),
        ])
        #expect(Requirement(level: "low", allowedFactors: [.webauthn]).isSatisfiable(in: strongOnly))
        #expect(!Requirement(level: "low", allowedFactors: [.push]).isSatisfiable(in: strongOnly))
    }
}

@Suite("Step-up plans", .timeLimit(.minutes(5)))
struct StepUpPlanTests {
    let ladder = LevelLadder.nistDefault
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func session(_ events: [(FactorKind, TimeInterval)]) -> Session {
        SessionStepUpTests().session(events)
    }

    @Test func aFreshPasswordNeedsOnlyTheSecondFactor() {
        let plan = session([(.password, 60)]).stepUpPlan(
            for: Requirement(level: "aal2", allowedFactors: [.totp, .webauthn]), ladder: ladder, at: now,
            candidates: [.totp, .recoveryCode])
        #expect(plan == StepUpPlan(needsPassword: false, factors: [.totp]))
    }

    @Test func aStalePasswordIsAskedForInTheSameCeremony() {
        // Signed in 25 hours ago: aal1 still holds, but aal2 needs the password again too.
        let plan = session([(.password, 90_000)]).stepUpPlan(
            for: Requirement(level: "aal2"), ladder: ladder, at: now, candidates: [.totp, .recoveryCode])
        #expect(plan == StepUpPlan(needsPassword: true, factors: [.totp, .recoveryCode]))
    }

    @Test func aFiveMinuteRuleTenMinutesAfterSignInNeedsOnlyTheStepUp() {
        let s = session([(.password, 600), (.totp, 400)])
        let requirement = Requirement(level: "aal2", maxAge: 300)
        let plan = s.stepUpPlan(for: requirement, ladder: ladder, at: now, candidates: [.totp])
        #expect(plan == StepUpPlan(needsPassword: false, factors: [.totp]))
        // Following the plan finishes the step-up.
        var done = s
        done.events.append(AuthenticationEvent(id: "new", factor: .totp, at: now))
        #expect(done.satisfies(ladder["aal2"]!, at: now, maxAge: requirement.maxAge))
    }

    @Test func aal3NeedsAPasskey() {
        let s = session([(.password, 60), (.totp, 60)])
        let requirement = Requirement(level: "aal3")
        #expect(s.stepUpPlan(for: requirement, ladder: ladder, at: now, candidates: [.totp, .recoveryCode]) == nil)
        #expect(s.stepUpPlan(for: requirement, ladder: ladder, at: now, candidates: [.totp, .webauthn])
            == StepUpPlan(needsPassword: false, factors: [.webauthn]))
    }

    @Test func disallowedCandidatesAreNeverOffered() {
        let plan = session([(.password, 60), (.totp, 60)]).stepUpPlan(
            for: Requirement(level: "aal2", allowedFactors: [.totp]), ladder: ladder, at: now,
            candidates: [.totp, .recoveryCode])
        #expect(plan == StepUpPlan(needsPassword: false, factors: [.totp]))
    }

    @Test func aPasswordReentryCanBeTheWholeStepUp() {
        let plan = session([(.password, 600)]).stepUpPlan(
            for: Requirement(level: "aal1", maxAge: 300, allowedFactors: [.password]), ladder: ladder, at: now,
            candidates: [.password, .totp])
        #expect(plan == StepUpPlan(needsPassword: true, factors: []))
    }

    @Test func noPlanForAnInactiveSessionOrAnUnknownLevel() {
        var revoked = session([(.password, 60)])
        revoked.revokedAt = now
        #expect(revoked.stepUpPlan(
            for: Requirement(level: "aal2"), ladder: ladder, at: now, candidates: [.totp]) == nil)
        #expect(session([(.password, 60)]).stepUpPlan(
            for: Requirement(level: "aal9"), ladder: ladder, at: now, candidates: [.totp]) == nil)
    }
}
