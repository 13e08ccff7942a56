import Foundation
import Testing
@testable import StepUpCore

/// Issue #8 item 6: a grant is judged by what its ceremony proved, not by what its challenge asked for.
@Suite("Decision grants", .timeLimit(.minutes(5)))
struct DecisionGrantTests {
    static let policyYAML = """
    default: allow
    rules:
      - id: pay-small
        match: {action: bank.pay, context: {amount: {"<=": 100}}}
        require: {level: aal2, max_age: 0}
      - id: pay-large
        match: {action: bank.pay, context: {amount: {">": 100}}}
        require: {level: aal2, max_age: 0, factors: [totp, webauthn]}
      - id: pay-bound
        match: {action: bank.send}
        require: {level: aal2, bind: [amount]}
    """

    let engine = DecisionEngine(grantLifetime: 300)
    let now = PolicyFixture.now
    let hash: (String) -> String = { "h(\($0))" }

    func policy() throws -> Policy { try PolicyFixture.policy(Self.policyYAML) }

    func input(_ action: String = "bank.pay", amount: Int, now: Date? = nil) -> PolicyInput {
        PolicyFixture.input(action, context: RequestContext(transaction: ["amount": .number(Double(amount))]),
                            session: PolicyFixture.session([(.password, 60), (.totp, 3_000)]), now: now ?? self.now)
    }

    /// A satisfied challenge of session "s" for `action`, proved with `factors` at `level`.
    func grant(
        _ action: String = "bank.pay", requirement: Requirement = Requirement(level: "aal2", maxAge: 0),
        level: String = "aal2", factors: [FactorKind] = [.totp], provedAgo: TimeInterval = 30,
        session: String = "s", bindingHash: String? = nil, proof: Bool = true
    ) -> Challenge {
        let at = now.addingTimeInterval(-provedAgo)
        return Challenge(
            id: "ch1", userID: "u1", sessionID: session, action: action, requirement: requirement,
            bindingHash: bindingHash, createdAt: at.addingTimeInterval(-60), expiresAt: at.addingTimeInterval(240),
            status: .satisfied, satisfiedAt: at, policyVersion: "v",
            proof: proof ? GrantProof(level: level, factors: factors, at: at, bindingHash: bindingHash) : nil)
    }

    func verdict(_ grant: Challenge?, _ input: PolicyInput) throws -> DecisionEngine.Verdict {
        engine.decide(policy: try policy(), input: input, grant: grant, hash: hash).verdict
    }

    @Test func aRecoveryCodeGrantDoesNotPassARuleAllowingOnlyTOTPOrWebAuthn() throws {
        // The attack: approve a small payment with a recovery code, then present that grant for a large one.
        let recovery = grant(factors: [.recoveryCode])
        #expect(try verdict(recovery, input(amount: 5)) == .allowWithGrant("ch1"))
        #expect(try verdict(recovery, input(amount: 500)) == .stepUp)
        #expect(try verdict(grant(factors: [.password, .recoveryCode]), input(amount: 500)) == .stepUp)
        #expect(try verdict(grant(factors: [.totp]), input(amount: 500)) == .allowWithGrant("ch1"))
    }

    @Test func aGrantWithoutProofOrWithOnlyThePasswordIsRefused() throws {
        #expect(try verdict(grant(proof: false), input(amount: 5)) == .stepUp)
        #expect(try verdict(grant(factors: [.password]), input(amount: 5)) == .stepUp)
    }

    @Test func aGrantMustReachTheLevelForThisActionSessionAndTime() throws {
        #expect(try verdict(grant(level: "aal1"), input(amount: 5)) == .stepUp)
        #expect(try verdict(grant(level: "aal3"), input(amount: 5)) == .allowWithGrant("ch1"))
        #expect(try verdict(grant(level: "aal7"), input(amount: 5)) == .stepUp)
        #expect(try verdict(grant("bank.other"), input(amount: 5)) == .stepUp)
        #expect(try verdict(grant(session: "other"), input(amount: 5)) == .stepUp)
        #expect(try verdict(grant(provedAgo: 301), input(amount: 5)) == .stepUp)
        var consumed = grant()
        consumed.status = .consumed
        #expect(try verdict(consumed, input(amount: 5)) == .stepUp)
    }

    @Test func aBoundGrantPassesOnlyForTheApprovedTransaction() throws {
        let policy = try policy()
        let approved = engine.decide(policy: policy, input: input("bank.send", amount: 5), hash: hash)
        #expect(approved.verdict == .stepUp)
        let requirement = try #require(approved.decision.requirement)
        let bound = grant("bank.send", requirement: requirement, bindingHash: approved.bindingHash)
        #expect(try verdict(bound, input("bank.send", amount: 5)) == .allowWithGrant("ch1"))
        #expect(try verdict(bound, input("bank.send", amount: 500)) == .stepUp)
        // The proof's hash counts, not the challenge's.
        var forged = bound
        forged.proof?.bindingHash = "h(other)"
        #expect(try verdict(forged, input("bank.send", amount: 5)) == .stepUp)
    }

    @Test func aProofTakesTheLevelTheCeremonyReached() throws {
        let ladder = LevelLadder.nistDefault
        var session = PolicyFixture.session([(.password, 600)])
        session.events.append(AuthenticationEvent(id: "new", factor: .totp, at: now))
        let proof = try #require(GrantProof(session: session, ladder: ladder, factors: [.totp], at: now,
                                            bindingHash: nil))
        #expect(proof.level == "aal2" && proof.factors == [.totp] && proof.at == now)
        // An older passkey (aal3) does not lend its level to a TOTP step-up.
        var strong = session
        var passkey = AuthenticationEvent(id: "pk", factor: .webauthn, at: now.addingTimeInterval(-60))
        passkey.traits.userVerified = true
        strong.events.insert(passkey, at: 0)
        #expect(strong.effectiveLevel(in: ladder, at: now)?.name == "aal3")
        let weaker = GrantProof(session: strong, ladder: ladder, factors: [.totp], at: now, bindingHash: nil)
        #expect(weaker?.level == "aal2")
    }

    @Test func challengesWithoutProofStillDecode() throws {
        let challenge = grant(proof: false)
        let data = try JSONEncoder().encode(challenge)
        #expect(try JSONDecoder().decode(Challenge.self, from: data) == challenge)
        let proved = grant()
        #expect(try JSONDecoder().decode(Challenge.self, from: JSONEncoder().encode(proved)).proof == proved.proof)
    }
}

/// Issue #8 item 15 seen from the decision: step-ups finish, and requirements nobody can meet are denied.
@Suite("Decision step-ups", .timeLimit(.minutes(5)))
struct DecisionStepUpTests {
    let engine = DecisionEngine()
    let hash: (String) -> String = { $0 }

    @Test func aTOTPStepUpTenMinutesAfterSignInMeetsAFiveMinuteRule() throws {
        let policy = try PolicyFixture.policy("""
        default: allow
        rules:
          - {id: transfer, match: {action: bank.transfer}, require: {level: aal2, max_age: 5m, factors: [totp]}}
        """)
        let before = PolicyFixture.session([(.password, 600)])
        let asked = engine.decide(
            policy: policy, input: PolicyFixture.input("bank.transfer", session: before), hash: hash)
        #expect(asked.verdict == .stepUp)
        #expect(asked.decision.reason == "this action needs aal2, with a step-up using totp within the last 5 min")
        let after = PolicyFixture.session([(.password, 600), (.totp, 5)])
        let done = engine.decide(
            policy: policy, input: PolicyFixture.input("bank.transfer", session: after), hash: hash)
        #expect(done.verdict == .allow)
    }

    @Test func anUnsatisfiableRequirementIsDeniedNotSteppedUp() {
        // The loader refuses such a level in a rule; the engine must still never send the user round a loop.
        let ladder = LevelLadder([Level(
            name: "vault", rank: 1, acr: "vault",
            combinations: [[FactorCondition(factors: [.totp], phishingResistant: true)]],
            maxAge: 3_600, idleTimeout: 3_600)])
        let policy = Policy(
            version: "v", file: "p", ladder: ladder, risk: .default, rules: [],
            defaultEffect: .require(Requirement(level: "vault"), rank: 1))
        let input = PolicyFixture.input(session: PolicyFixture.session([(.password, 60)]))
        let result = engine.decide(policy: policy, input: input, hash: hash)
        #expect(result.verdict == .deny)
        #expect(result.decision.reason
            == "this action cannot be approved: no step-up can reach vault; ask an administrator to fix the policy")
    }
}
