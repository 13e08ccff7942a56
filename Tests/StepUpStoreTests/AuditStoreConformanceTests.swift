import Foundation
import StepUpCore
import StepUpStore
import StepUpTestSupport
import Testing

@Suite("Audit log, every backend", .timeLimit(.minutes(5)))
struct AuditStoreConformanceTests {
    func draft(_ index: Int) -> AuditEventDraft {
        AuditEventDraft(type: "decision.step_up", at: at(Double(index)).addingTimeInterval(0.0123456),
                        userID: "u1", sessionID: index.isMultiple(of: 2) ? "s1" : nil, ip: "2001:db8::1",
                        policyVersion: "p1", details: ["rules": "r1,r2", "quote\"": "line\nbreak", "n": "\(index)"])
    }

    @Test(arguments: Backend.allCases)
    func appendChainsAndListsInPages(_ backend: Backend) async throws {
        try await withBackend(backend) { harness in
            let audit = harness.stores.audit
            var appended: [AuditEvent] = []
            for index in 0..<7 { appended.append(try await audit.append(draft(index))) }
            #expect(appended.map(\.sequence) == Array(1...7))
            #expect(appended.first?.previousHash == AuditChain.genesisHash)
            #expect(appended[3].previousHash == appended[2].hash)
            // Times are kept to the millisecond, the precision the chain commits to.
            #expect(appended[0].event.at == AuditChain.normalized(draft(0).at))
            #expect(abs(appended[0].event.at.timeIntervalSince(draft(0).at)) < 0.001)

            #expect(try await audit.auditEvents(after: 0, limit: 100) == appended)
            #expect(try await audit.auditEvents(after: 2, limit: 3).map(\.sequence) == [3, 4, 5])
            #expect(try await audit.auditEvents(after: 7, limit: 3).isEmpty)
            let report = try await harness.verifyChain()
            #expect(report.isIntact)
            #expect(report.checkedEvents == 7)
            #expect(try await audit.verifyAuditChain(pageSize: 2).checkedEvents == 7)
        }
    }

    @Test(arguments: Backend.allCases)
    func concurrentAppendsNeverForkTheChain(_ backend: Backend) async throws {
        try await withBackend(backend) { harness in
            let audit = harness.stores.audit
            let events = try await race(40) { index in try await audit.append(draftFor(index)) }
            #expect(Set(events.map(\.sequence)) == Set(1...40))
            #expect(Set(events.map(\.previousHash)).count == 40)
            let report = try await harness.verifyChain()
            #expect(report == AuditChainReport(checkedEvents: 40))
        }
    }

    @Test(arguments: Backend.allCases)
    func sameEventsHashTheSameInEveryBackend(_ backend: Backend) async throws {
        try await withBackend(backend) { harness in
            let event = try await harness.stores.audit.append(
                AuditEventDraft(type: "login.succeeded", at: t0, userID: "u1", details: ["factor": "password"]))
            // Expected hash computed independently with Python hashlib over "0"*64 + the JSON below.
            let json = #"{"at":1750000000000,"details":{"factor":"password"},"sequence":1,"#
                + #""type":"login.succeeded","userID":"u1"}"#
            #expect(AuditChain.canonicalJSON(sequence: 1, event: event.event) == json)
            #expect(event.hash == "2c6d6aa30f6fd25557cad7a97195761e02fc2708b984207dc7d878fa7294478b")
        }
    }
}

private func draftFor(_ index: Int) -> AuditEventDraft {
    AuditEventDraft(type: "race", at: at(Double(index)), details: ["n": "\(index)"])
}
