import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
@testable import StepUpServer

/// Challenge identifiers start with their creation time, so new challenges sit next to each other in the
/// database's primary-key index, and end with 16 random bytes, so they stay unguessable.
@Suite("Challenge identifiers", .timeLimit(.minutes(5)))
struct ChallengeIDTests {
    @Test func identifiersSortByCreationTimeAndKeepSixteenRandomBytes() throws {
        let start = Date(timeIntervalSince1970: 1_700_000_000)
        // Across a change in the number of hex digits too (0xfff → 0x1000 ms): the time part has a fixed width.
        let times = [Date(timeIntervalSince1970: 4.0955), Date(timeIntervalSince1970: 4.1005), start,
                     start.addingTimeInterval(0.001), start.addingTimeInterval(86_400 * 365)]
        let ids = times.map { Tokens.timeOrderedID(prefix: "chl", at: $0) }
        #expect(ids == ids.sorted(), "\(ids)")
        for id in ids {
            let parts = id.split(separator: "_", maxSplits: 1)
            #expect(parts.first == "chl")
            let rest = try #require(parts.last)
            #expect(rest.count == 12 + 22, "12 hex digits of milliseconds, then 16 bytes in base64url: \(id)")
            let timePart = rest.prefix(12)
            #expect(timePart.allSatisfy { $0.isHexDigit }, "\(id)")
        }
        let sameMoment = (0..<1_000).map { _ in Tokens.timeOrderedID(prefix: "chl", at: start) }
        #expect(Set(sameMoment).count == 1_000, "the random part tells apart challenges of the same millisecond")
        #expect(Set(sameMoment.map { $0.dropFirst(4 + 12) }).count == 1_000)
    }

    @Test func challengesOfLaterDecisionsSortAfterEarlierOnes() async throws {
        let harness = try TestHarness()
        _ = try await harness.aliceWithTOTP()
        try await harness.application().test(.router) { client in
            let token = try await client.login()
            var ids: [String] = []
            for _ in 0..<3 {
                let answer = try await client.json(.post, "/v1/decisions", token: token,
                                                   body: DecisionAPITests.transfer(5_000))
                let challenge = try #require(answer.json["challenge"] as? [String: Any], "\(answer.text)")
                ids.append(try #require(challenge["id"] as? String))
                harness.clock.advance(1)
            }
            #expect(ids == ids.sorted() && Set(ids).count == 3, "\(ids)")
        }
    }
}
