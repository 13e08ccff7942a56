import Foundation
import Testing

/// The README's copy-paste proxy configurations are the files the proxy tests run (Examples/forward-auth):
/// this keeps the two from drifting apart.
@Suite("README examples")
struct ExampleConfigurationTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test(arguments: ["nginx.conf", "Caddyfile", "traefik.yml"])
    func theREADMEShowsTheTestedConfiguration(file: String) throws {
        let readme = try String(contentsOf: Self.root.appendingPathComponent("README.md"), encoding: .utf8)
        let example = try String(contentsOf: Self.root.appendingPathComponent("Examples/forward-auth/\(file)"),
                                 encoding: .utf8)
        #expect(readme.contains("\n" + example + "```"), "README.md must show Examples/forward-auth/\(file) verbatim")
    }
}
