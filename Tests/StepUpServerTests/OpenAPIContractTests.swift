import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import StepUpTestSupport
import Testing
@testable import StepUpServer

/// Issue #14: the OpenAPI document is the router's contract — every JSON route documented, every documented
/// route served — and a valid OpenAPI 3.1 document by an independent validator.
@Suite("OpenAPI contract", .timeLimit(.minutes(5)))
struct OpenAPIContractTests {
    static let operationsPaths: Set<String> = ["/healthz", "/readyz", "/metrics", "/openapi.json"]

    /// `METHOD /path/{param}` for every operation in the document.
    static func documentedOperations() throws -> Set<String> {
        let document = try #require(try JSONSerialization.jsonObject(with: Data(OpenAPIDocument.json.utf8))
            as? [String: Any])
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        var operations = Set<String>()
        for (path, item) in paths {
            for method in item.keys where ["get", "put", "post", "delete", "patch", "head", "options"].contains(method) {
                operations.insert("\(method.uppercased()) \(path)")
            }
        }
        return operations
    }

    /// Hummingbird's `:id` captures as OpenAPI's `{id}`.
    static func openAPIPath(_ routerPath: String) -> String {
        let path = routerPath.hasPrefix("/") ? routerPath : "/" + routerPath
        return path.split(separator: "/", omittingEmptySubsequences: false).map { component in
            component.hasPrefix(":") ? "{\(component.dropFirst())}" : String(component)
        }.joined(separator: "/")
    }

    @Test func everyRouteIsDocumentedAndEveryDocumentedRouteIsServed() throws {
        let harness = try TestHarness()
        let router = try StepUpApplication.router(service: harness.service, cookieKey: harness.cookieKey,
                                                  metricsToken: TestHarness.metricsToken)
        let served = Set(router.routes.map { "\($0.method.rawValue) \(Self.openAPIPath($0.path.description))" })
        let api = served.filter { route in
            let path = String(route.split(separator: " ")[1])
            return path.hasPrefix("/v1/") || Self.operationsPaths.contains(path)
        }
        #expect(api.count > 20, "the router's routes: \(served.sorted())")
        let documented = try Self.documentedOperations()
        #expect(api.subtracting(documented).sorted() == [], "served but not in openapi.json")
        #expect(documented.subtracting(api).sorted() == [], "in openapi.json but not served")
    }

    @Test func theDocumentIsServedAndPassesOpenAPISpecValidator() async throws {
        let harness = try TestHarness()
        try await harness.application().test(.router) { client in
            try await client.execute(uri: "/openapi.json", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/json")
                #expect(String(buffer: response.body) == OpenAPIDocument.json)
            }
        }
        guard TestTools.require("python3", pythonModules: ["openapi_spec_validator"],
                                install: "pip install openapi-spec-validator") else { return }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("stepup-openapi-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let good = directory.appendingPathComponent("openapi.json")
        try OpenAPIDocument.json.write(to: good, atomically: true, encoding: .utf8)
        let script = """
            import json, sys
            from openapi_spec_validator import validate
            from openapi_spec_validator.validation import OpenAPIV31SpecValidator
            validate(json.load(open(sys.argv[1])), cls=OpenAPIV31SpecValidator)
            print("valid")
            """
        let output = try TestTools.run("python3", ["-c", script, good.path])
        #expect(String(decoding: output, as: UTF8.self).contains("valid"))

        // The validator is not a rubber stamp: a document with an operation lacking its responses is refused.
        var broken = try #require(try JSONSerialization.jsonObject(with: Data(OpenAPIDocument.json.utf8))
            as? [String: Any])
        var paths = try #require(broken["paths"] as? [String: Any])
        var item = try #require(paths["/v1/decisions"] as? [String: Any])
        var post = try #require(item["post"] as? [String: Any])
        post["responses"] = "none"
        item["post"] = post
        paths["/v1/decisions"] = item
        broken["paths"] = paths
        let bad = directory.appendingPathComponent("broken.json")
        try JSONSerialization.data(withJSONObject: broken).write(to: bad)
        #expect(throws: TestTools.Failure.self) { try TestTools.run("python3", ["-c", script, bad.path]) }
    }
}
