import Foundation
import StepUpCore
import Testing
@testable import StepUpOIDC

@Suite("Refresh token families")
struct RefreshFamilyTests {
    let ladder = Fixtures.ladder
    let now = Fixtures.now

    func family(events: [(FactorKind, TimeInterval)], level: String, token: RefreshToken) -> RefreshFamily {
        let session = Fixtures.session(events)
        let issued = IssuedAuthentication(session: session, level: ladder[level]!, now: now)
        return RefreshFamily(id: token.familyID, clientID: "spa", scopes: ["openid", "offline_access"],
                             authentication: issued, secretHash: token.secretHash, createdAt: now, expiresAt: now + 86_400)
    }

    @Test func onlyTheCurrentTokenIsCurrent() throws {
        var rng = SystemRandomNumberGenerator()
        let first = RefreshToken.generate(familyID: OIDCRandom.identifier(using: &rng), using: &rng)
        var family = family(events: [(.password, 60)], level: "aal1", token: first)
        #expect(family.isCurrent(first))
        let second = RefreshToken.generate(familyID: family.id, using: &rng)
        family.currentSecretHash = second.secretHash
        family.generation += 1
        #expect(family.isCurrent(second) && !family.isCurrent(first))
        let parsed = try #require(RefreshToken(parsing: second.text))
        #expect(family.isCurrent(parsed))
        #expect(!"\(second)".contains(second.secret))
        let otherFamily = RefreshToken.generate(familyID: OIDCRandom.identifier(using: &rng), using: &rng)
        #expect(!family.isCurrent(otherFamily))
    }

    @Test(arguments: ["", "abc", "a.b.c", "AAAAAAAAAAAAAAAAAAAAAA.", "AAAAAAAAAAAAAAAAAAAAAA.short",
                      "AAAAAAAAAAAAAAAAAAAAAA." + String(repeating: "+", count: 43)])
    func malformedTokensDoNotParse(text: String) {
        #expect(RefreshToken(parsing: text) == nil)
    }

    @Test func refreshKeepsTheOriginalAcrAndAuthTime() throws {
        var rng = SystemRandomNumberGenerator()
        let token = RefreshToken.generate(familyID: "fam-aaaaaaaaaaaaaaaa", using: &rng)
        let family = family(events: [(.password, 600), (.totp, 300)], level: "aal2", token: token)
        let later = try family.authenticationForRefresh(ladder: ladder, policy: .downgrade, now: now + 3_600)
        #expect(later == family.authentication)
        #expect(later.acr == "urn:stepup:acr:aal2" && later.authTime == (now - 300).wholeSeconds)
    }

    /// aal2 lasts 24 h: after it, refresh issues aal1 (the password still counts for 30 days), never aal2 again.
    @Test func anExpiredElevationDowngradesOrFails() throws {
        var rng = SystemRandomNumberGenerator()
        let token = RefreshToken.generate(familyID: "fam-bbbbbbbbbbbbbbbb", using: &rng)
        let family = family(events: [(.password, 600), (.totp, 300)], level: "aal2", token: token)
        let dayLater = now + 86_400
        let downgraded = try family.authenticationForRefresh(ladder: ladder, policy: .downgrade, now: dayLater)
        #expect(downgraded.acr == "urn:stepup:acr:aal1" && downgraded.levelName == "aal1")
        #expect(downgraded.authTime == family.authentication.authTime)
        #expect(throws: OIDCError.invalidGrant("")) {
            try family.authenticationForRefresh(ladder: ladder, policy: .reauthenticate, now: dayLater)
        }
        #expect(throws: OIDCError.invalidGrant("")) {
            try family.authenticationForRefresh(ladder: ladder, policy: .downgrade, now: now + 31 * 86_400)
        }
    }

    /// Issued at aal1 while the session could do aal1 only: a later refresh stays aal1 even though the frozen
    /// events are fresh (refresh never raises acr).
    @Test func refreshNeverRaisesAcr() throws {
        var rng = SystemRandomNumberGenerator()
        let token = RefreshToken.generate(familyID: "fam-cccccccccccccccc", using: &rng)
        let family = family(events: [(.password, 600), (.totp, 300)], level: "aal1", token: token)
        let refreshed = try family.authenticationForRefresh(ladder: ladder, policy: .downgrade, now: now + 60)
        #expect(refreshed.acr == "urn:stepup:acr:aal1")
    }
}
