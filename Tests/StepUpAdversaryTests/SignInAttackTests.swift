import Foundation
import Synchronization
import HTTPTypes
import StepUpCore
import StepUpStore
import Testing
@testable import StepUpCrypto
@testable import StepUpServer

/// Items 1, 3, 4 and 13 of issue #8: what a stolen password gets at sign-in.
@Suite("Attacks on sign-in", .timeLimit(.minutes(5)))
struct SignInAttackTests {
    static let denyingPolicy = Policy.demoYAML.replacingOccurrences(of: "rules:\n", with: """
    rules:
      - id: no-contractors
        match: {action: auth.login, subject: {roles: [contractor]}}
        deny: Contractors sign in through the partner portal.

    """)

    /// Item 1: a policy `deny` on `auth.login` issues nothing at all.
    @Test func aDeniedSignInGetsNoSession() async throws {
        try await AdversaryServer.with(policyYAML: Self.denyingPolicy) { server, client in
            try await server.user("carol", roles: ["contractor"], totp: false)
            let reply = try await client.signIn("carol")
            #expect(reply.status == .forbidden)
            #expect(reply.problemType == "sign-in-denied")
            #expect(reply.json["token"] == nil)
            #expect(reply.text.contains("partner portal"))
            #expect(try await server.audit("login.denied").count == 1)
            #expect(try await server.audit("login.succeeded").isEmpty)
        }
    }

    /// Item 1: a sign-in the policy steps up is pending — its token does nothing but complete the challenge.
    @Test func aSteppedUpSignInIsPendingUntilItsChallengeIsDone() async throws {
        try await AdversaryServer.with { server, client in
            let secret = try #require(try await server.user())
            let reply = try await client.signIn()
            #expect(reply.status == .created)
            let token = try #require(reply.json["token"] as? String)
            let challenge = try #require((reply.json["step_up"] as? [String: Any])?["id"] as? String)
            for (method, path) in [(HTTPRequest.Method.get, "/v1/devices"), (.get, "/v1/factors"),
                                   (.post, "/v1/factors/recovery-codes"), (.post, "/v1/factors/totp")] {
                let refused = try await client.send(method, path, token: token)
                #expect(refused.status == .unauthorized, "\(path) with a pending sign-in: \(refused.text)")
                #expect(refused.problemType == "sign-in-incomplete")
            }
            let decision = try await client.decide(token, "bank.balance.view")
            #expect(decision.status == .unauthorized)
            #expect(try await server.audit("login.succeeded").isEmpty, "a pending sign-in is not a success")
            #expect(try await client.send(.get, "/v1/challenges/\(challenge)", token: token).status == .ok)

            let verified = try await client.send(.post, "/v1/challenges/\(challenge)/verify", token: token,
                                                 json: ["factor": "totp", "code": server.code(secret)])
            #expect(verified.status == .ok)
            let fresh = try #require(verified.json["token"] as? String)
            #expect(fresh != token)
            #expect(try await client.decide(token, "bank.balance.view").status == .unauthorized,
                    "the pending token is worthless once the sign-in completes")
            #expect(try await client.decide(fresh, "bank.balance.view").json["decision"] as? String == "allow")
            #expect(try await server.audit("login.succeeded").count == 1)
        }
    }

    static let passkeyLoginPolicy = Policy.demoYAML.replacingOccurrences(of: "rules:\n", with: """
    rules:
      - id: passkey-sign-in
        match: {action: auth.login}
        require: aal3

    """)

    /// A sign-in that needs a factor the user has not enrolled is refused; only a user with no second factor at
    /// all signs in at what the password proves ("highest available").
    @Test func aSignInStepUpNobodyCanCompleteIsRefusedUnlessThereIsNoSecondFactor() async throws {
        try await AdversaryServer.with(policyYAML: Self.passkeyLoginPolicy) { server, client in
            try await server.user("alice")
            try await server.user("bob", totp: false)
            let withTOTP = try await client.signIn("alice")
            #expect(withTOTP.status == .forbidden, "\(withTOTP.text)")
            #expect(withTOTP.problemType == "sign-in-denied")
            #expect(withTOTP.json["token"] == nil)
            let withNothing = try await client.signIn("bob")
            #expect(withNothing.status == .created, "\(withNothing.text)")
            #expect(withNothing.json["step_up"] == nil)
            let token = try #require(withNothing.json["token"] as? String)
            #expect(try await client.decide(token, "bank.balance.view").json["decision"] as? String == "allow",
                    "the session is usable at aal1")
            let audited = try await server.audit("login.succeeded").last
            #expect(audited?.event.details["step_up"] == "no second factor enrolled")
        }
    }

    /// Item 3: over the account's limit, `otp` guesses at sign-in spend the account's wrong-code budget, from
    /// any number of addresses.
    @Test func signInCodesAreLimitedPerAccountAcrossAddresses() async throws {
        try await AdversaryServer.with(configure: { $0.login.maxFailuresPerAccount = 3 }) { server, client in
            let secret = try #require(try await server.user())
            for index in 0..<3 {
                #expect(try await client.signIn(password: "wrong password", ip: "198.51.100.\(index)")
                    .problemType == "invalid-credentials")
            }
            var answers: [String] = []
            for index in 0..<14 {
                let reply = try await client.signIn(otp: "000000", ip: "2001:db8:\(index)::1")
                answers.append(reply.problemType ?? "\(reply.status)")
            }
            #expect(answers.prefix(StepUpService.maxWrongCodes).allSatisfy { $0 == "invalid-credentials" }, "\(answers)")
            #expect(answers.suffix(4).allSatisfy { $0 == "rate-limited" }, "\(answers)")
            let right = try await client.signIn(otp: server.code(secret), ip: "2001:db8:99::1")
            #expect(right.problemType == "rate-limited", "the budget is spent, even for the right code")
            server.clock.advance(StepUpService.wrongCodeWindow + 1)
            let later = try await client.signIn(otp: server.code(secret), ip: "2001:db8:99::1")
            #expect(later.status == .created, "\(later.text)")
        }
    }

    /// Item 4: over the limit the answer is decided before the password is looked at — the same bytes for a
    /// right and a wrong password — and the owner still gets in from a device that signed in before.
    @Test func theAccountLimitIsNeitherAnOracleNorALockOut() async throws {
        try await AdversaryServer.with(configure: { $0.login.maxFailuresPerAccount = 3 }) { server, client in
            try await server.user("dave", password: "dave's long password", totp: false)
            let first = try await client.signIn("dave", password: "dave's long password", ip: "192.0.2.10")
            #expect(first.status == .created)
            let deviceSecret = try #require(first.json["device_secret"] as? String)
            for index in 0..<3 {
                _ = try await client.signIn("dave", password: "guess \(index)", ip: "198.51.100.\(index)")
            }
            let wrong = try await client.signIn("dave", password: "guess again", ip: "198.51.100.50")
            let right = try await client.signIn("dave", password: "dave's long password", ip: "198.51.100.50")
            #expect(wrong.status == .tooManyRequests)
            #expect(wrong.status == right.status)
            #expect(wrong.text == right.text, "right and wrong password must read the same over the limit")
            #expect(wrong.headers[.retryAfter] == right.headers[.retryAfter])
            #expect(wrong.headers[.retryAfter] != nil)
            let unknown = try await client.signIn("nobody", password: "guess", ip: "198.51.100.51")
            #expect(unknown.status == .unauthorized, "unknown names have their own budget, like any name")

            let owner = try await client.signIn("dave", password: "dave's long password", deviceSecret: deviceSecret,
                                                ip: "192.0.2.10")
            #expect(owner.status == .created, "the owner's known device is not locked out: \(owner.text)")
        }
    }

    /// Item 13: a full hashing pool answers 503 with Retry-After and counts as nobody's failure.
    @Test func anOverloadedPoolIsNobodysFailure() async throws {
        // Normal priority: the blockers must reach the pool's threads however busy the machine is (at the lowest
        // priority they may not run for minutes, and this test would wait for them).
        try await AdversaryServer.with(hashing: .normal) { server, client in
            try await server.user(totp: false)
            let pool = server.service.crypto.pool
            let gate = DispatchSemaphore(value: 0)
            // Occupy every hashing thread, then fill the queue: the next hash has nowhere to go. The waits sleep
            // rather than spin: a spinning task would take a core from the threads it waits for.
            let started = Counter()
            let blockers = (0..<pool.threadCount).map { _ in
                Task { try await pool.run { started.increment(); gate.wait() } }
            }
            while started.value < pool.threadCount { try await Task.sleep(for: .milliseconds(5)) }
            let fillers = (0..<pool.maxQueued).map { _ in Task { try await pool.run { } } }
            while pool.waitingJobs < pool.maxQueued { try await Task.sleep(for: .milliseconds(5)) }
            let reply = try await client.signIn(password: "wrong but unevaluated")
            for _ in 0..<pool.threadCount { gate.signal() }
            for task in blockers { _ = try await task.value }
            for task in fillers { _ = try await task.value }
            #expect(reply.status == .serviceUnavailable, "\(reply.text)")
            #expect(reply.problemType == "overloaded")
            #expect(reply.headers[.retryAfter] == "1")
            #expect(try await server.audit("login.failed").isEmpty, "overload is nobody's failure")
            #expect(try await client.signIn().status == .created)
        }
    }
}

/// A count shared with the hashing pool's threads.
final class Counter: Sendable {
    private let count = Mutex(0)
    var value: Int { count.withLock { $0 } }
    func increment() { count.withLock { $0 += 1 } }
}
