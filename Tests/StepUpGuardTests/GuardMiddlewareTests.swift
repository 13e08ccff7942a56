import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import StepUpGuard
import StepUpGuardHummingbird
import Testing

struct GuardTestContext: StepUpGuardContext {
    var coreContext: CoreRequestContextStorage
    var verifiedToken: VerifiedToken?
    init(source: ApplicationRequestContextSource) { coreContext = .init(source: source) }
}

/// RFC 9110 §11.6.1 challenge parsing, strict: `Bearer` then comma-separated `name=token` or `name="quoted"`.
func parseChallenge(_ header: String) -> [String: String]? {
    guard header.hasPrefix("Bearer ") else { return nil }
    var parameters: [String: String] = [:]
    var rest = Substring(header.dropFirst(7))
    while !rest.isEmpty {
        guard let equals = rest.firstIndex(of: "=") else { return nil }
        let name = String(rest[..<equals])
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0 == "_" }), parameters[name] == nil else { return nil }
        rest = rest[rest.index(after: equals)...]
        var value = ""
        if rest.first == "\"" {
            rest = rest.dropFirst()
            var closed = false
            while let character = rest.first {
                rest = rest.dropFirst()
                if character == "\\" {
                    guard let escaped = rest.first else { return nil }
                    value.append(escaped)
                    rest = rest.dropFirst()
                } else if character == "\"" {
                    closed = true
                    break
                } else {
                    value.append(character)
                }
            }
            guard closed else { return nil }
        } else {
            let end = rest.firstIndex(of: ",") ?? rest.endIndex
            value = String(rest[..<end])
            guard !value.isEmpty, value.allSatisfy({ $0.isNumber || $0.isLetter }) else { return nil }
            rest = rest[end...]
        }
        parameters[name] = value
        if rest.hasPrefix(", ") { rest = rest.dropFirst(2) } else if !rest.isEmpty { return nil }
    }
    return parameters
}

@Suite("StepUpGuard Hummingbird middleware")
struct GuardMiddlewareTests {
    @Test func theMiddlewareAnswersWithAStrictlyParseableChallenge() async throws {
        let provider = Provider(now: Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down)))
        let verifier = provider.verifier()
        let router = Router(context: GuardTestContext.self)
        router.group("transfer")
            .add(middleware: StepUpGuardMiddleware(verifier, requirement: GuardRequirement(acr: "urn:stepup:acr:aal2",
                                                                                          maxAge: 300)))
            .post { _, context in "ok \(context.verifiedToken?.acr ?? "")" }
        let app = Application(router: router)
        let weak = try await provider.token(level: "aal1")
        let strong = try await provider.token(level: "aal2")
        try await app.test(.router) { client in
            try await client.execute(uri: "/transfer", method: .post, headers: [.authorization: "Bearer \(weak)"]) { response in
                #expect(response.status == .unauthorized)
                let header = try #require(response.headers[.wwwAuthenticate])
                let parsed = try #require(parseChallenge(header), "\(header)")
                #expect(parsed["error"] == "insufficient_user_authentication")
                #expect(parsed["acr_values"] == "urn:stepup:acr:aal2" && parsed["max_age"] == "300")
            }
            try await client.execute(uri: "/transfer", method: .post, headers: [.authorization: "Bearer \(strong)"]) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == "ok urn:stepup:acr:aal2")
            }
            try await client.execute(uri: "/transfer", method: .post) { response in
                #expect(response.status == .unauthorized && response.headers[.wwwAuthenticate] == "Bearer")
            }
        }
        #expect(parseChallenge(#"Bearer error="x", max_age=3"#) == ["error": "x", "max_age": "3"])
        #expect(parseChallenge(#"Bearer error="x"#) == nil)
        #expect(parseChallenge(#"Bearer error="x" max_age=3"#) == nil)
    }
}
