import Foundation
import Testing
@testable import StepUpServer

/// The `push:` keys of issue #11's browser approvers: the answer budgets and the event stream limits, with their
/// defaults, and a readable `file:line:col` error for a value out of range.
@Suite("Push configuration")
struct PushConfigTests {
    @Test func theLimitsHaveDefaultsAndCanBeSet() throws {
        let defaults = ServerConfiguration().push
        #expect(defaults.answersPerAddress == 30 && defaults.answersPerChallenge == 10)
        #expect(defaults.eventStreamsPerUser == 3 && defaults.eventStreams == 200)
        let text = """
            push:
              answers_per_address_per_10_minutes: 50
              answers_per_challenge_per_10_minutes: 5
              event_streams_per_user: 2
              event_streams: 1000
            """
        let push = try ConfigFile.parse(text, file: "stepup.yaml").push
        #expect(push.answersPerAddress == 50 && push.answersPerChallenge == 5)
        #expect(push.eventStreamsPerUser == 2 && push.eventStreams == 1_000)
    }

    @Test func anOutOfRangeLimitNamesItsPlace() {
        #expect {
            _ = try ConfigFile.parse("push:\n  event_streams_per_user: 0\n", file: "stepup.yaml")
        } throws: { error in
            "\(error)".contains("stepup.yaml:2:") && "\(error)".contains("event_streams_per_user")
        }
    }
}
