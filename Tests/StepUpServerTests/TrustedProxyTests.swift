import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import StepUpCore
import StepUpStore
import Testing
@testable import StepUpServer

/// Over a real socket: `X-Forwarded-For` counts only when the peer is a configured trusted proxy.
@Suite("Trusted proxies", .timeLimit(.minutes(5)))
struct TrustedProxyTests {
    func auditedAddress(trusting proxies: [String]) async throws -> String? {
        let harness = try TestHarness { $0.network.trustedProxies = proxies; $0.network.countryHeader = "CF-IPCountry" }
        _ = try await harness.aliceWithTOTP()
        try await harness.application().test(.live) { client in
            let body = ByteBuffer(string: #"{"username":"alice","password":"correct horse battery"}"#)
            let reply = try await client.execute(
                uri: "/v1/sessions", method: .post,
                headers: [.contentType: "application/json", HTTPField.Name("X-Forwarded-For")!: "203.0.113.9",
                          HTTPField.Name("CF-IPCountry")!: "FR"],
                body: body) { $0.status }
            #expect(reply == .created)
        }
        return try await harness.store.stores.audit.auditEvents(after: 0, limit: 100)
            .first { $0.event.type.hasPrefix("login.") }?.event.ip
    }

    @Test func aForgedForwardedForFromAnUntrustedPeerIsIgnored() async throws {
        let ip = try await auditedAddress(trusting: [])
        #expect(ip == "127.0.0.1")
    }

    @Test func aTrustedProxyReportsTheClient() async throws {
        let ip = try await auditedAddress(trusting: ["127.0.0.0/8", "::1"])
        #expect(ip == "203.0.113.9")
    }
}
