import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import StepUpCore
import StepUpStore
import Testing
@testable import StepUpServer

@Suite("Policy administration", .timeLimit(.minutes(5)))
struct PolicyAdminTests {
    /// The demo policy, but admins may reload and explain with a password (aal3 needs WebAuthn, not built yet).
    static let adminPolicy = Policy.demoYAML.replacingOccurrences(
        of: "  - id: admin-aal3\n    description: The admin area needs a hardware-bound, phishing-resistant factor.\n    match: {action: \"admin.**\"}\n    require: aal3\n",
        with: "  - id: admin-aal1\n    match: {action: \"admin.**\"}\n    require: aal1\n")

    @Test func theTestPolicyDiffersFromTheDemo() {
        #expect(Self.adminPolicy != Policy.demoYAML)
        #expect(Self.adminPolicy.contains("admin-aal1"))
    }

    @Test func adminsSeeTheTraceOthersDoNot() async throws {
        let harness = try TestHarness(policyYAML: Self.adminPolicy)
        _ = try await harness.service.createUser(username: "root", password: "root's long password", roles: ["admin"])
        _ = try await harness.service.createUser(username: "bob", password: "bob's long password")
        try await harness.application().test(.router) { client in
            let admin = try await client.login("root", "root's long password")
            let explained = try await client.json(.post, "/v1/decisions", token: admin,
                                                  body: ["action": "bank.transfer", "explain": true,
                                                         "context": ["transaction": ["amount": 5000]]])
            let explanation = try #require(explained.json["explanation"] as? [String: Any], "\(explained.text)")
            let trace = try #require(explanation["trace"] as? [[String: Any]])
            #expect(trace.count >= 5, "every rule is listed, matched or not")
            #expect(trace.contains { $0["id"] as? String == "transfer-large" && $0["matched"] as? Bool == true })
            #expect(trace.contains { $0["id"] as? String == "balance-view" && $0["matched"] as? Bool == false })
            let bob = try await client.login("bob", "bob's long password")
            let refused = try await client.json(.post, "/v1/decisions", token: bob,
                                                body: ["action": "bank.transfer", "explain": true])
            #expect(refused.status == .forbidden)
        }
    }

    @Test func reloadKeepsTheRunningPolicyWhenTheFileIsInvalid() async throws {
        let harness = try TestHarness(policyYAML: Self.adminPolicy)
        let root = try await harness.service.createUser(username: "root", password: "root's long password",
                                                        roles: ["admin"])
        // A known device, so risk stays low and the admin rule (aal1 here) decides.
        try await harness.store.stores.devices.recordDeviceSeen(userID: root.id, deviceID: "test-device-0001",
                                                                label: "test", at: harness.clock.now)
        _ = try await harness.service.createUser(username: "bob", password: "bob's long password")
        let path = harness.service.configuration.policyFile
        let before = harness.service.policy.version
        try await harness.application().test(.router) { client in
            let admin = try await client.login("root", "root's long password")
            try "levels: [oops\n".write(toFile: path, atomically: true, encoding: .utf8)
            let broken = try await client.json(.post, "/v1/admin/policy/reload", token: admin)
            #expect(broken.status == .unprocessableContent, "\(broken.text)")
            #expect((broken.json["errors"] as? [String])?.first?.hasPrefix(path + ":") == true, "\(broken.text)")
            #expect(harness.service.policy.version == before)

            let changed = Self.adminPolicy.replacingOccurrences(of: "max_age: 5m", with: "max_age: 10m")
            try changed.write(toFile: path, atomically: true, encoding: .utf8)
            let fixed = try await client.json(.post, "/v1/admin/policy/reload", token: admin)
            #expect(fixed.status == .ok, "\(fixed.text)")
            #expect(fixed.json["applied"] as? Bool == true)
            #expect(fixed.json["previous_version"] as? String == before)
            #expect(harness.service.policy.version != before)

            let bob = try await client.login("bob", "bob's long password")
            let denied = try await client.json(.post, "/v1/admin/policy/reload", token: bob)
            #expect(denied.status == .forbidden)

            let metrics = try await client.execute(uri: "/metrics", method: .get,
                                                   headers: [.authorization: "Bearer \(TestHarness.metricsToken)"]) {
                String(buffer: $0.body)
            }
            #expect(metrics.contains("stepup_policy_reloads_total{result=\"failed\"} 1"))
            #expect(metrics.contains("stepup_policy_reloads_total{result=\"applied\"} 1"))
            #expect(metrics.contains("stepup_logins_total"))
        }
        let types = try await harness.store.stores.audit.auditEvents(after: 0, limit: 200).map(\.event.type)
        #expect(types.contains("policy.reload_failed") && types.contains("policy.reloaded"))
    }

    @Test func decisionsDuringReloadsSeeOneWholePolicy() async throws {
        // Two policies that disagree on bank.export: v1 allows it at aal1, v2 denies it.
        let v1 = Self.adminPolicy.replacingOccurrences(
            of: "match: {action: [\"bank.export\", \"bank.export.**\"]}\n    require: aal2",
            with: "match: {action: [\"bank.export\", \"bank.export.**\"]}\n    require: aal1")
        let v2 = Self.adminPolicy.replacingOccurrences(
            of: "match: {action: [\"bank.export\", \"bank.export.**\"]}\n    require: aal2",
            with: "match: {action: [\"bank.export\", \"bank.export.**\"]}\n    deny: Exports are paused.")
        #expect(v1 != Self.adminPolicy && v2 != Self.adminPolicy)
        let harness = try TestHarness(policyYAML: v1)
        let user = try await harness.service.createUser(username: "root", password: "root's long password",
                                                        roles: ["admin"])
        let client = ClientInfo(ip: "127.0.0.1", deviceID: "device-000001")
        try await harness.store.stores.devices.recordDeviceSeen(userID: user.id, deviceID: "device-000001",
                                                                label: "test", at: harness.clock.now)
        let login = try await harness.service.login(LoginAttempt(username: "root", password: "root's long password"), client: client)
        let versions = [try Policy.load(yaml: v1, file: "v1").version, try Policy.load(yaml: v2, file: "v2").version]
        let path = harness.service.configuration.policyFile
        try await withThrowingTaskGroup(of: [(String, Decision.Outcome)].self) { group in
            group.addTask {
                for round in 0..<20 {
                    let (file, expected) = round % 2 == 0 ? (v2, versions[1]) : (v1, versions[0])
                    try file.write(toFile: path, atomically: true, encoding: .utf8)
                    let result = await harness.service.reloadPolicy(reason: "test")
                    // Every reload is applied, to the version just written, replacing the other one.
                    #expect(result.applied, "round \(round): \(result.diagnostics)")
                    #expect(result.version == expected, "round \(round)")
                    #expect(result.previousVersion == versions.first { $0 != expected }, "round \(round)")
                }
                return []
            }
            for _ in 0..<4 {
                group.addTask {
                    var seen: [(String, Decision.Outcome)] = []
                    for _ in 0..<25 {
                        let outcome = try await harness.service.decide(
                            session: login.session, user: user, request: ActionRequest(action: "bank.export"),
                            grantID: nil, client: client)
                        seen.append((outcome.decision.policyVersion, outcome.decision.outcome))
                    }
                    return seen
                }
            }
            for try await seen in group {
                for (version, outcome) in seen {
                    #expect(versions.contains(version))
                    // Each decision is wholly v1 (allow) or wholly v2 (deny), never a mix.
                    #expect(outcome == (version == versions[0] ? .allow : .deny), "\(version) → \(outcome)")
                }
            }
        }
        #expect(harness.service.policy.version == versions[0], "the last round wrote v1")

        // Both versions decided, each as itself, and the audit log says which one did.
        try v2.write(toFile: path, atomically: true, encoding: .utf8)
        let toV2 = await harness.service.reloadPolicy(reason: "test")
        #expect(toV2.applied && toV2.version == versions[1] && toV2.previousVersion == versions[0])
        let underV2 = try await harness.service.decide(session: login.session, user: user,
                                                       request: ActionRequest(action: "bank.export"), grantID: nil,
                                                       client: client)
        #expect(underV2.decision.outcome == .deny && underV2.decision.policyVersion == versions[1])
        try "rules: [".write(toFile: path, atomically: true, encoding: .utf8)
        let broken = await harness.service.reloadPolicy(reason: "test")
        #expect(!broken.applied && broken.version == versions[1], "an invalid file keeps v2 running")
        #expect(!broken.diagnostics.description.isEmpty)
        try v1.write(toFile: path, atomically: true, encoding: .utf8)
        let toV1 = await harness.service.reloadPolicy(reason: "test")
        #expect(toV1.applied && toV1.version == versions[0] && toV1.previousVersion == versions[1])
        let underV1 = try await harness.service.decide(session: login.session, user: user,
                                                       request: ActionRequest(action: "bank.export"), grantID: nil,
                                                       client: client)
        #expect(underV1.decision.outcome == .allow && underV1.decision.policyVersion == versions[0])

        let events = try await harness.store.stores.audit.auditEvents(after: 0, limit: 1_000).map(\.event)
        #expect(events.filter { $0.type == "policy.reloaded" }.count == 22)
        #expect(events.filter { $0.type == "policy.reload_failed" }.count == 1)
        let decided = events.filter { $0.details["action"] == "bank.export" }
        #expect(decided.filter { $0.type == "decision.allow" }.allSatisfy { $0.policyVersion == versions[0] })
        #expect(decided.filter { $0.type == "decision.deny" }.allSatisfy { $0.policyVersion == versions[1] })
        #expect(decided.contains { $0.type == "decision.allow" } && decided.contains { $0.type == "decision.deny" })
    }
}
