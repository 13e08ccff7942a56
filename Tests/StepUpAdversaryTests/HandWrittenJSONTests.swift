import Foundation
import StepUpCore
import Hummingbird
import Testing
@testable import StepUpServer

/// The decision response is written by hand on the hot path; it must say exactly what `JSONEncoder` says.
@Suite("Hand-written decision JSON", .timeLimit(.minutes(5)))
struct HandWrittenJSONTests {
    @Test func decisionViewsReadTheSameBothWays() async throws {
        try await AdversaryServer.with { server, client in
            let secret = try #require(try await server.user())
            let signedIn = try await client.fullSignIn(server, secret: secret)
            let (session, user) = try #require(try await server.service.authenticate(token: signedIn.token))
            let payees = ["ACME Ltd", "quote \" and backslash \\ / slash", "line\nbreak\ttab\u{01}", "€ 𝄞 é", ""]
            var requests = [ActionRequest(action: "bank.balance.view"), ActionRequest(action: "bank.transfer")]
            for payee in payees {
                requests.append(ActionRequest(action: "bank.transfer", context: RequestContext(
                    transaction: ["amount": .number(1500), "currency": .string("EUR"), "payee": .string(payee)])))
            }
            let encoder = JSONEncoder()
            encoder.dateEncodingStrategy = .iso8601
            for request in requests {
                let outcome = try await server.service.decide(session: session, user: user, request: request,
                                                              grantID: nil, client: ClientInfo(ip: "203.0.113.7"))
                let view = DecisionView(outcome, ladder: server.service.policy.current.ladder)
                let fast = try #require(view.handWritten)
                let reference = try encoder.encode(view)
                let parsedFast = try JSONSerialization.jsonObject(with: Data(fast)) as? NSDictionary
                let parsedReference = try JSONSerialization.jsonObject(with: reference) as? NSDictionary
                #expect(parsedFast != nil && parsedFast == parsedReference,
                        "\(String(decoding: fast, as: UTF8.self))\n\(String(decoding: reference, as: UTF8.self))")
                // Byte for byte what the API's encoder writes (sorted keys, slashes as they are).
                let sorted = try Response.sortedEncoder.encode(view)
                #expect(fast == Array(sorted),
                        "\(String(decoding: fast, as: UTF8.self))\n\(String(decoding: sorted, as: UTF8.self))")
            }
        }
    }

    @Test func datesAreISO8601InWholeSeconds() {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        for seconds in [0.0, 1.9, 951_782_400, 1_764_460_800.5, 4_102_444_799, -86_400.25] {
            let date = Date(timeIntervalSince1970: seconds)
            let reference = String(decoding: (try? encoder.encode([date])) ?? Data(), as: UTF8.self)
            #expect("[\"\(ISO8601Seconds.text(date))\"]" == reference, "\(seconds)")
        }
    }
}
