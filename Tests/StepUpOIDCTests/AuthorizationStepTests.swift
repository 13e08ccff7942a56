import Foundation
import StepUpCore
import Testing
@testable import StepUpOIDC

@Suite("Step-up semantics of /authorize")
struct AuthorizationStepTests {
    let ladder = Fixtures.ladder
    let now = Fixtures.now

    func requirement(_ overrides: [String: String?]) throws -> AuthenticationRequirement {
        try AuthenticationRequirement.resolve(try Fixtures.parse(Fixtures.query(overrides)), ladder: ladder)
    }

    func step(_ session: Session?, _ overrides: [String: String?] = [:], startedAt: Date? = nil,
              promptNone: Bool = false) throws(OIDCError) -> AuthorizationStep {
        let requirement = try! requirement(overrides)
        return try AuthorizationStep.decide(session: session, requirement: requirement, ladder: ladder,
                                            requestStartedAt: startedAt ?? now - 10, promptNone: promptNone, now: now)
    }

    @Test func acrValuesMapToTheWeakestRecognisedLevel() throws {
        #expect(try requirement([:]).level.name == "aal1")
        #expect(try requirement(["acr_values": "urn:stepup:acr:aal2"]).level.name == "aal2")
        #expect(try requirement(["acr_values": "aal3 urn:stepup:acr:aal2"]).level.name == "aal2")
        #expect(try requirement(["acr_values": "urn:other:gold aal3"]).level.name == "aal3")
        #expect(try requirement(["acr_values": "urn:other:gold"]).level.name == "aal1")
        #expect(try requirement(["max_age": "0"]).forcesLogin)
        #expect(try requirement(["max_age": "0"]).maxAge == nil)
        #expect(try requirement(["max_age": "120"]).maxAge == 120)
        // The essential claim's values win over acr_values.
        let claim = #"{"id_token":{"acr":{"essential":true,"value":"urn:stepup:acr:aal3"}}}"#
        let both = try requirement(["claims": claim, "acr_values": "aal1"])
        #expect(both.level.name == "aal3" && both.essential)
    }

    @Test func anEssentialAcrNobodyOffersIsUnmet() throws {
        let request = try Fixtures.parse(Fixtures.query([
            "claims": #"{"id_token":{"acr":{"essential":true,"values":["urn:other:gold"]}}}"#,
        ]))
        #expect(throws: OIDCError.unmetAuthenticationRequirements("")) {
            try AuthenticationRequirement.resolve(request, ladder: ladder)
        }
    }

    @Test func policyRequirementTightens() throws {
        let base = try requirement(["acr_values": "aal2", "max_age": "600"])
        let tighter = base.tightened(by: ladder["aal3"]!, maxAge: 300)
        #expect(tighter.level.name == "aal3" && tighter.maxAge == 300)
        let looser = base.tightened(by: ladder["aal1"]!, maxAge: nil)
        #expect(looser.level.name == "aal2" && looser.maxAge == 600)
    }

    @Test func aSignedInAal1UserAskedForAal2OnlyStepsUp() throws {
        let session = Fixtures.session([(.password, 60)])
        #expect(try step(session, ["acr_values": "aal2"]) == .stepUp(level: ladder["aal2"]!, maxAge: nil))
        #expect(try step(nil, ["acr_values": "aal2"]) == .login)
    }

    @Test func aStrongEnoughSessionIssuesAtItsEffectiveLevel() throws {
        let session = Fixtures.session([(.password, 600), (.totp, 300)])
        guard case .issue(let issued) = try step(session, ["acr_values": "aal2"]) else {
            Issue.record("expected issue")
            return
        }
        #expect(issued.acr == "urn:stepup:acr:aal2" && issued.amr == ["pwd", "otp"])
        #expect(issued.authTime == (now - 300).wholeSeconds && issued.sessionID == "sess-1")
    }

    @Test func maxAgeAsksForAFreshFactorNotANewLogin() throws {
        let session = Fixtures.session([(.password, 3_600), (.totp, 1_800)])
        #expect(try step(session, ["acr_values": "aal2", "max_age": "900"]) == .stepUp(level: ladder["aal2"]!, maxAge: 900))
        if case .issue = try step(session, ["acr_values": "aal2", "max_age": "2000"]) {} else {
            Issue.record("a factor 1800 s old meets max_age=2000")
        }
    }

    @Test func promptLoginAndMaxAgeZeroDemandANewSignIn() throws {
        let session = Fixtures.session([(.password, 60)])
        #expect(try step(session, ["prompt": "login"]) == .login)
        #expect(try step(session, ["max_age": "0"]) == .login)
        // After the user signed in again (an event after the request started) the same request issues.
        let again = Fixtures.session([(.password, 60), (.password, 1)])
        if case .issue = try step(again, ["max_age": "0"], startedAt: now - 5) {} else { Issue.record("expected issue") }
    }

    @Test func promptNoneNeverInteracts() throws {
        #expect(throws: OIDCError.loginRequired("")) { try step(nil, ["prompt": "none"], promptNone: true) }
        var revoked = Fixtures.session([(.password, 60)])
        revoked.revokedAt = now - 1
        #expect(throws: OIDCError.loginRequired("")) { try step(revoked, ["prompt": "none"], promptNone: true) }
        let aal1 = Fixtures.session([(.password, 60)])
        #expect(throws: OIDCError.interactionRequired("")) {
            try step(aal1, ["prompt": "none", "acr_values": "aal2"], promptNone: true)
        }
        #expect(throws: OIDCError.loginRequired("")) {
            try step(aal1, ["prompt": "none", "max_age": "0"], promptNone: true)
        }
        if case .issue = try step(aal1, ["prompt": "none"], promptNone: true) {} else { Issue.record("expected issue") }
    }

    @Test func aPendingSignInIsNotASession() throws {
        var pending = Fixtures.session([(.password, 60)])
        pending.pendingChallengeID = "ch-1"
        #expect(try step(pending) == .login)
    }
}
