import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
@testable import StepUpServer

/// The API reads JSON bodies only. A browser posts `text/plain`, form and multipart bodies cross-site without a
/// preflight; refusing every non-JSON media type keeps those from reaching a handler (CSRF).
@Suite("JSON content type")
struct JSONContentTypeTests {
    @Test func nonJSONBodiesAreRefusedAndJSONOnesRead() async throws {
        let harness = try TestHarness()
        _ = try await harness.aliceWithTOTP()
        try await harness.application().test(.router) { client in
            let token = try await client.login()
            let body = #"{"action":"bank.balance.view"}"#
            for forged in ["text/plain", "text/plain; charset=utf-8", "application/x-www-form-urlencoded",
                           "multipart/form-data; boundary=x", "application/jsonx", "application/json-seq",
                           "text/json+plain", ""] {
                let reply = try await client.json(.post, "/v1/decisions", token: token, raw: body,
                                                  contentType: forged)
                #expect(reply.status == .unsupportedMediaType, "'\(forged)' was read: \(reply.status)")
            }
            for json in ["application/json", "application/json; charset=utf-8", "Application/JSON"] {
                let reply = try await client.json(.post, "/v1/decisions", token: token, raw: body, contentType: json)
                #expect(reply.status == .ok, "'\(json)' was refused: \(reply.status) \(reply.text)")
            }
        }
    }
}
