import Foundation
import HTTPTypes
import StepUpCore
import StepUpStore
import Testing
@testable import StepUpServer

/// Issue #9, audit volume: allows can be counted or sampled instead of written row by row; deny and step_up
/// are always written in full, and the default writes everything.
@Suite("Audit volume on a running server", .timeLimit(.minutes(5)))
struct AuditVolumeTests {
    static let countedPolicy = Policy.demoYAML.replacingOccurrences(
        of: "version: 1\n", with: "version: 1\naudit: {allow: counted}\n")
    static let sampledPolicy = Policy.demoYAML.replacingOccurrences(
        of: "match: {action: bank.balance.view}\n    require: aal1\n",
        with: "match: {action: bank.balance.view}\n    require: aal1\n    audit: sampled 3\n")

    func tallied(_ server: AdversaryServer, _ type: String) async throws -> Int64 {
        try await server.store.auditTallies(since: Date(timeIntervalSince1970: 0))
            .filter { $0.type == type }.reduce(0) { $0 + $1.count }
    }

    @Test func countedAllowsLeaveTalliesAndStepUpsStayInFull() async throws {
        #expect(Self.countedPolicy != Policy.demoYAML)
        try await AdversaryServer.with(policyYAML: Self.countedPolicy) { server, client in
            let secret = try #require(try await server.user())
            let owner = try await client.fullSignIn(server, secret: secret)
            let allowsBefore = try await server.audit("decision.allow").count
            for _ in 0..<6 {
                let reply = try await client.decide(owner.token, "bank.balance.view")
                #expect(reply.json["decision"] as? String == "allow", "\(reply.text)")
            }
            let stepUp = try await client.decide(owner.token, "bank.transfer", transaction: ["amount": 1500, "currency": "EUR", "payee": "ACME Ltd"])
            #expect(stepUp.json["decision"] as? String == "step_up", "\(stepUp.text)")
            #expect(try await server.audit("decision.allow").count == allowsBefore, "counted allows are not rows")
            #expect(try await tallied(server, "decision.allow") == 6)
            let written = try await server.audit("decision.step_up")
            #expect(written.contains { $0.event.details["action"] == "bank.transfer" }, "step_up is always written")
            let metrics = try await client.send(.get, "/metrics", token: AdversaryServer.metricsToken)
            #expect(metrics.text.contains("stepup_audit_counted_total{"), "\(metrics.text.prefix(300))")
            #expect(try await server.store.verifyAuditChain().isIntact)
        }
    }

    @Test func sampledAllowsWriteOneInN() async throws {
        #expect(Self.sampledPolicy != Policy.demoYAML)
        try await AdversaryServer.with(policyYAML: Self.sampledPolicy) { server, client in
            let secret = try #require(try await server.user())
            let owner = try await client.fullSignIn(server, secret: secret)
            for _ in 0..<9 {
                let reply = try await client.decide(owner.token, "bank.balance.view")
                #expect(reply.json["decision"] as? String == "allow", "\(reply.text)")
            }
            let rows = try await server.audit("decision.allow")
                .filter { $0.event.details["action"] == "bank.balance.view" }
            #expect(rows.count == 3)
            #expect(try await tallied(server, "decision.allow") == 6)
        }
    }

    @Test func byDefaultEveryDecisionIsARow() async throws {
        try await AdversaryServer.with { server, client in
            let secret = try #require(try await server.user())
            let owner = try await client.fullSignIn(server, secret: secret)
            var ids: [String] = []
            for _ in 0..<5 {
                let reply = try await client.decide(owner.token, "bank.balance.view")
                ids.append(try #require(reply.json["decision_id"] as? String))
            }
            let rows = try await server.audit("decision.allow").compactMap { $0.event.details["decision_id"] }
            #expect(Set(ids).isSubset(of: Set(rows)), "every decision id is in the log")
            #expect(try await tallied(server, "decision.allow") == 0)
        }
    }
}
