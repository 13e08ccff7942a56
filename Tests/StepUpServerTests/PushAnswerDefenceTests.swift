import Crypto
import Foundation
import HTTPTypes
import HummingbirdTesting
import StepUpCore
import StepUpStore
import StepUpTestSupport
import Testing
@testable import StepUpServer

/// Issue #11's defences around push answers, attacked: the answer budgets of `POST /v1/push/answers` (per challenge,
/// per address, under a race) and the hand-over of a new session token to the browser whose prompt was approved.
@Suite("Push answers: budgets and the session hand-over", .serialized, .timeLimit(.minutes(5)))
struct PushAnswerDefenceTests {
    /// Attacks on `POST /v1/push/answers`: forged answers for one challenge run out its budget (the right answer
    /// then waits too), and forged answers from one address run out the address's budget; both are 429
    /// problem+json with `Retry-After`.
    @Test func answersAreRateLimitedPerChallengeAndPerAddress() async throws {
        let harness = try ApproverPageTests.harness {
            $0.push.answersPerChallenge = 3
            $0.push.answersPerAddress = 6
        }
        let (key, factor) = try await ApproverPageTests.bobWithApprover(harness)
        try await harness.application().test(.router) { client in
            var browser = harness.knownBrowser()
            let (id, number) = try await ApproverPageTests.pushStepUp(&browser, client, "bob", signingIn: true)
            let challenge = try #require(try await harness.store.stores.challenges.challenge(id: id))
            let forger = P256.Signing.PrivateKey()
            for _ in 0..<3 {
                let forged = try await client.json(.post, "/v1/push/answers",
                                                   raw: try ApproverPageTests.answer(forger, factor: factor.id, challenge: challenge,
                                                                        number: number))
                #expect(forged.status == .forbidden, "\(forged.text)")
            }
            let right = try ApproverPageTests.answer(key, factor: factor.id, challenge: challenge, number: number)
            let limited = try await client.json(.post, "/v1/push/answers", raw: right)
            #expect(limited.status == .tooManyRequests, "\(limited.text)")
            #expect(limited.headers[.contentType] == "application/problem+json")
            #expect(Int(limited.headers[.retryAfter] ?? "") ?? 0 > 0)
            #expect((limited.json["detail"] as? String)?.contains("too many answers") == true, "\(limited.text)")
            #expect(try await harness.store.stores.challenges.challenge(id: id)?.status == .pending)
            // Other challenges (unknown ids here) each have their own budget, until the address's runs out:
            // 3 of its 6 went to the forgeries above (the 429 spent nothing), so 3 more.
            for index in 0..<2 {
                let other = try await client.json(.post, "/v1/push/answers",
                                                  raw: right.replacingOccurrences(of: id, with: "chl_other\(index)"))
                #expect(other.status == .forbidden, "\(other.text)")
            }
            let third = try await client.json(.post, "/v1/push/answers",
                                              raw: right.replacingOccurrences(of: id, with: "chl_other9"))
            #expect(third.status == .forbidden, "\(third.text)")
            let blocked = try await client.json(.post, "/v1/push/answers",
                                                raw: right.replacingOccurrences(of: id, with: "chl_other10"))
            #expect(blocked.status == .tooManyRequests, "\(blocked.text)")
            #expect(blocked.headers[.retryAfter] != nil)
            // The budgets are sliding 10-minute windows: still spent after 200 s, back after 601 s (by then the
            // challenge itself has expired, which is the answer the right signature gets).
            harness.clock.advance(200)
            #expect(try await client.json(.post, "/v1/push/answers", raw: right).status == .tooManyRequests)
            harness.clock.advance(401)
            let later = try await client.json(.post, "/v1/push/answers", raw: right)
            #expect(later.status == .gone, "\(later.text)")
        }
    }

    /// A racing forger: 20 concurrent forged answers for one challenge whose budget is 10 — exactly 10 are
    /// looked at (403), the other 10 are turned away (429); the budget holds under concurrency.
    @Test func twentyConcurrentForgeriesSpendExactlyTheBudget() async throws {
        let harness = try ApproverPageTests.harness { $0.push.answersPerChallenge = 10 }
        let (_, factor) = try await ApproverPageTests.bobWithApprover(harness)
        try await harness.application().test(.router) { client in
            var browser = harness.knownBrowser()
            let (id, number) = try await ApproverPageTests.pushStepUp(&browser, client, "bob", signingIn: true)
            let challenge = try #require(try await harness.store.stores.challenges.challenge(id: id))
            let forged = try ApproverPageTests.answer(P256.Signing.PrivateKey(), factor: factor.id, challenge: challenge,
                                         number: number)
            let statuses = try await race(20) { _ in
                try await client.json(.post, "/v1/push/answers", raw: forged).status
            }
            #expect(statuses.filter { $0 == .forbidden }.count == 10, "\(statuses)")
            #expect(statuses.filter { $0 == .tooManyRequests }.count == 10, "\(statuses)")
            #expect(try await harness.store.stores.challenges.challenge(id: id)?.attemptsLeft == 5,
                    "forgeries spend no attempt of the challenge")
        }
    }

    /// After the approver said yes, the step-up page's hand-over gives the browser a new session token (the old
    /// one stops working) and the grant; once only, and not before the approval.
    @Test func aPushApprovedStepUpRotatesTheSessionToken() async throws {
        let harness = try ApproverPageTests.harness()
        let (key, factor) = try await ApproverPageTests.bobWithApprover(harness)
        try await harness.application().test(.router) { client in
            var browser = harness.knownBrowser()
            let (id, number) = try await ApproverPageTests.pushStepUp(&browser, client, "bob", signingIn: true)
            #expect(browser.cookies[StepUpService.handoffCookie(id)] != nil, "the page's browser holds the hand-over")
            let csrf = try #require(Browser.csrf(in: try await browser.get(client, "/step-up/\(id)").html))
            let early = try await browser.post(client, "/step-up/\(id)/push/done", ["csrf": csrf, "next": "/account"])
            #expect(early.status == .conflict, "not approved yet")
            let challenge = try #require(try await harness.store.stores.challenges.challenge(id: id))
            let approved = try await client.json(.post, "/v1/push/answers",
                                                 raw: try ApproverPageTests.answer(key, factor: factor.id, challenge: challenge,
                                                                      number: number))
            #expect(approved.status == .ok && approved.json["status"] as? String == "satisfied", "\(approved.text)")
            let status = try await browser.get(client, "/step-up/\(id)/status?next=%2Faccount")
            #expect(status.html.contains("\"status\":\"satisfied\""))
            let old = try #require(browser.cookies[WebSupport.sessionCookie])
            var stale = browser
            let done = try await browser.post(client, "/step-up/\(id)/push/done", ["csrf": csrf, "next": "/account"])
            #expect(done.headers[.location] == "/account?grant=\(id)", "\(done.status) \(done.html)")
            let new = try #require(Browser.setCookie(WebSupport.sessionCookie, in: done.headers))
            #expect(new != old && !new.isEmpty)
            #expect(browser.cookies[StepUpService.handoffCookie(id)] == nil, "the hand-over cookie is cleared")
            #expect(try await browser.get(client, "/account").status == .ok, "the new token works")
            let replayed = try await stale.get(client, "/account")
            #expect(replayed.headers[.location]?.hasPrefix("/login") == true, "the old token is worth nothing")
            let again = try await browser.post(client, "/step-up/\(id)/push/done", ["csrf": csrf, "next": "/account"])
            #expect(again.status == .conflict, "the hand-over works once")
            #expect(Browser.setCookie(WebSupport.sessionCookie, in: again.headers) == nil)
        }
    }

    /// A thief holding the same session token (a copied cookie) races for the new token: without the page's
    /// hand-over secret, and with a prompt of their own that the approver did not approve, they get nothing; the
    /// browser whose number was approved gets the token, and the thief's copy stops working.
    @Test func aCopiedSessionCookieCannotTakeTheHandOver() async throws {
        let harness = try ApproverPageTests.harness()
        let (key, factor) = try await ApproverPageTests.bobWithApprover(harness)
        try await harness.application().test(.router) { client in
            var browser = harness.knownBrowser()
            let (id, number) = try await ApproverPageTests.pushStepUp(&browser, client, "bob", signingIn: true)
            var thief = Browser()
            thief.cookies[WebSupport.sessionCookie] = browser.cookies[WebSupport.sessionCookie]
            let csrf = try #require(Browser.csrf(in: try await thief.get(client, "/step-up/\(id)").html))
            let own = try await thief.post(client, "/step-up/\(id)/push", ["csrf": csrf, "next": "/account"])
            #expect(own.status == .ok && thief.cookies[StepUpService.handoffCookie(id)] != nil)
            let thiefNumber = own.html.firstMatch(of: /id="push-number">([0-9]{2})</)?.output.1
            #expect(thiefNumber != nil && String(thiefNumber ?? "") != number, "open prompts never share a number")
            let challenge = try #require(try await harness.store.stores.challenges.challenge(id: id))
            let approved = try await client.json(.post, "/v1/push/answers",
                                                 raw: try ApproverPageTests.answer(key, factor: factor.id, challenge: challenge,
                                                                      number: number))
            #expect(approved.json["status"] as? String == "satisfied", "\(approved.text)")
            var bare = thief
            bare.cookies[StepUpService.handoffCookie(id)] = nil
            for var attempt in [thief, bare] {
                let taken = try await attempt.post(client, "/step-up/\(id)/push/done", ["csrf": csrf, "next": "/account"])
                #expect(taken.status == .conflict, "\(taken.status)")
                #expect(Browser.setCookie(WebSupport.sessionCookie, in: taken.headers) == nil)
            }
            let done = try await browser.post(client, "/step-up/\(id)/push/done", ["csrf": csrf, "next": "/account"])
            #expect(done.headers[.location] == "/account?grant=\(id)", "\(done.status) \(done.html)")
            #expect(try await thief.get(client, "/account").headers[.location]?.hasPrefix("/login") == true)
        }
    }
}
