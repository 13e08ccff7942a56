import Foundation
import HTTPTypes
import HummingbirdTesting
import StepUpCore
import StepUpStore
import Testing
@testable import StepUpCrypto
@testable import StepUpServer

/// "No user enumeration": unknown users, disabled users and wrong passwords get the same answer for the same work,
/// counted through the product (``CredentialCrypto``'s completed password evaluations), never timed.
@Suite("Sign-in cost and disabled users", .timeLimit(.minutes(5)))
struct SignInCostTests {
    /// Signs in through the API and returns the answer and the password evaluations it cost.
    static func attempt(_ client: some TestClientProtocol, _ harness: TestHarness, _ username: String,
                        _ password: String) async throws
        -> (reply: (status: HTTPResponse.Status, text: String), cost: PasswordEvaluations.Counts)
    {
        let before = harness.service.crypto.evaluations.current
        let reply = try await client.json(.post, "/v1/sessions", body: [
            "username": username, "password": password, "device_secret": TestHarness.deviceSecret,
        ])
        let after = harness.service.crypto.evaluations.current
        return ((reply.status, reply.text), .init(stored: after.stored - before.stored, decoy: after.decoy - before.decoy))
    }

    @Test func unknownDisabledAndWrongPasswordSignInsEachCostExactlyOneEvaluation() async throws {
        let harness = try TestHarness()
        _ = try await harness.aliceWithTOTP()
        let bob = try await harness.service.createUser(username: "bob", password: "bob's long password")
        try await harness.store.stores.credentials.setDisabled(userID: bob.id, true)
        try await harness.application().test(.router) { client in
            let unknown = try await Self.attempt(client, harness, "nobody", "bob's long password")
            let disabled = try await Self.attempt(client, harness, "bob", "bob's long password")
            let wrong = try await Self.attempt(client, harness, "alice", "not her password")
            let right = try await Self.attempt(client, harness, "alice", "correct horse battery")
            #expect(unknown.reply.status == .unauthorized && disabled.reply.status == .unauthorized
                && wrong.reply.status == .unauthorized)
            #expect(right.reply.status == .created, "\(right.reply.text)")
            // The decoy stands in for the hash an unknown or disabled user does not have.
            #expect(unknown.cost == .init(stored: 0, decoy: 1))
            #expect(disabled.cost == .init(stored: 0, decoy: 1))
            #expect(wrong.cost == .init(stored: 1, decoy: 0))
            #expect(right.cost == .init(stored: 1, decoy: 0))
        }
        // The decoy costs what a real user's hash costs: the same Argon2id parameters as the one StepUp stored.
        let alice = try #require(try await harness.store.stores.credentials.user(username: "alice"))
        let stored = try PHCString(parsing: try #require(try await harness.store.stores.credentials
            .passwordHash(userID: alice.id)))
        #expect(harness.service.crypto.hasher.decoyParameters == stored.parameters)
        #expect(stored.parameters.variant == .argon2id)
    }

    @Test func aDisabledUserGetsTheWrongPasswordAnswerAndTheirSessionsStopWorking() async throws {
        let harness = try TestHarness()
        let (alice, _) = try await harness.aliceWithTOTP()
        _ = try await harness.service.createUser(username: "carol", password: "carol's long password")
        try await harness.application().test(.router) { client in
            let token = try await client.login()
            #expect(try await client.json(.get, "/v1/sessions/current", token: token).status == .ok)
            let balance = try await client.json(.post, "/v1/decisions", token: token,
                                                body: ["action": "bank.balance.view"])
            #expect(balance.json["decision"] as? String == "allow", "\(balance.text)")

            try await harness.store.stores.credentials.setDisabled(userID: alice.id, true)
            let disabled = try await Self.attempt(client, harness, "alice", "correct horse battery")
            let wrongForAlice = try await Self.attempt(client, harness, "alice", "not her password")
            let wrongForCarol = try await Self.attempt(client, harness, "carol", "not her password")
            #expect(disabled.reply.status == .unauthorized)
            #expect(disabled.reply.text == wrongForCarol.reply.text,
                    "the right password of a disabled user reads exactly like a wrong password")
            #expect(disabled.reply.text == wrongForAlice.reply.text)
            #expect(disabled.reply.text.contains("invalid-credentials"))

            // The session issued before she was disabled is worth nothing now, on every route.
            let current = try await client.json(.get, "/v1/sessions/current", token: token)
            #expect(current.status == .unauthorized)
            let decision = try await client.json(.post, "/v1/decisions", token: token,
                                                 body: ["action": "bank.balance.view"])
            #expect(decision.status == .unauthorized)
            #expect(try await client.json(.get, "/v1/factors", token: token).status == .unauthorized)
            let page = try await client.execute(uri: "/account", method: .get,
                                                headers: [.cookie: "stepup_session=\(token)"]) { $0 }
            #expect(page.status == .seeOther)
            #expect(page.headers[.location]?.hasPrefix("/login") == true)

            // Enabled again, she signs in as before (the refusal was about the flag, not a broken account).
            try await harness.store.stores.credentials.setDisabled(userID: alice.id, false)
            _ = try await client.login()
        }
    }
}
