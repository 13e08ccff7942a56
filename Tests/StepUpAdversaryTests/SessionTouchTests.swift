import Foundation
import HTTPTypes
import StepUpCore
import StepUpStore
import Testing
@testable import StepUpServer

/// Issue #9, fewer writes: a session's last activity is written at most every few seconds, and idle timeouts
/// stay correct to that precision.
@Suite("Session activity writes", .timeLimit(.minutes(5)))
struct SessionTouchTests {
    @Test func lastActivityIsWrittenAtMostEveryTouchInterval() async throws {
        try await AdversaryServer.with { server, client in
            let secret = try #require(try await server.user())
            let owner = try await client.fullSignIn(server, secret: secret)
            let (session, _) = try #require(try await server.service.authenticate(token: owner.token))
            func stored() async throws -> Date? { try await server.store.session(id: session.id)?.lastSeenAt }
            let first = try await stored()
            let commitsBefore = server.store.commits.transactions
            for _ in 0..<10 {
                server.clock.advance(0.2)
                #expect(try await client.decide(owner.token, "bank.balance.view").json["decision"] as? String == "allow")
            }
            #expect(try await stored() == first, "2 s of requests: no activity write")
            #expect(server.store.commits.transactions - commitsBefore == 10, "one commit per decision, no more")
            server.clock.advance(StepUpService.touchInterval)
            #expect(try await client.decide(owner.token, "bank.balance.view").json["decision"] as? String == "allow")
            let moved = try #require(try await stored())
            #expect(abs(moved.timeIntervalSince(server.clock.now)) < 0.01, "written once the interval passed")
        }
    }
}
