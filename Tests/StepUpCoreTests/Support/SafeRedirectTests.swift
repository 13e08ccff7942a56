import Foundation
import StepUpTestSupport
import Testing
@testable import StepUpCore

@Suite("Safe redirects", .timeLimit(.minutes(5)))
struct SafeRedirectTests {
    /// Known open-redirect payloads (PayloadsAllTheThings, OWASP, browser quirks); every one must be refused.
    static let attacks: [String] = [
        "//evil.com", "///evil.com", "////evil.com", "/\\evil.com", "\\/evil.com", "\\\\evil.com", "/\\/evil.com",
        "/%09/evil.com", "/\t/evil.com", "/%0a/evil.com", "/%0d/evil.com", "/\n/evil.com", "/\r/evil.com",
        "/%2F%2Fevil.com", "/%2f%2fevil.com", "/%2F/evil.com", "//%2Fevil.com", "/%5Cevil.com", "/%5cevil.com",
        "/%252F%252Fevil.com", "/%25252F%25252Fevil.com", "/%2525252F%2525252Fevil.com", "%2F%2Fevil.com",
        "%2F", "https://evil.com", "http://evil.com", "HTTPS://evil.com", "javascript:alert(1)",
        "JaVaScRiPt:alert(1)", "data:text/html,<script>alert(1)</script>", "/%0d%0aSet-Cookie:x=1",
        "/%0D%0ALocation:%20https://evil.com", "/.//evil.com", "/./%2Fevil.com", "/..//evil.com",
        "/ /evil.com", " /evil.com", "/evil.com ", "/%20/evil.com/x\u{0}", "/／evil.com", "/%EF%BC%8Fevil.com",
        "/%E2%88%95evil.com", "/∕evil.com", "/%E2%81%84evil.com", "/%EF%BC%BCevil.com", "/%C2%85evil.com",
        "/%C2%A0%2F%2Fevil.com", "/%7F", "/a%00b", "/%ff", "/%C0%AF%C0%AFevil.com", "/@evil.com",
        "/x@evil.com", "/%40evil.com", "/%", "/%2", "/%zz", "", "evil.com", "?next=/", "#/", ".",
        "/a\\b", "/a?x=\\", "/a#\u{1}", "/a?%5C", "/\u{202E}moc.live", "/%E2%80%AEmoc.live",
        "/" + String(repeating: "a", count: 1_024), "/{x}", "/a|b", "/a\"b", "/a<b>",
    ]

    static let goodPaths = [
        "/", "/account", "/demo/transfer?amount=1500&currency=EUR&payee=ACME%20Ltd", "/step-up/chl_x?next=%2Faccount",
        "/a/b/c.html#section-2", "/search?q=caf%C3%A9", "/x?redirect=https://other.example/", "/./account",
        "/../account", "/a:b", "/~user", "/" + String(repeating: "a", count: 1_023),
    ]

    @Test(arguments: attacks)
    func refusesOpenRedirectPayloads(payload: String) {
        #expect(SafeRedirect.localPath(payload) == nil)
    }

    @Test(arguments: goodPaths)
    func acceptsLocalPathsUnchanged(path: String) {
        #expect(SafeRedirect.localPath(path) == path)
    }

    @Test func corpusIsLargeAndNilIsRefused() {
        #expect(Self.attacks.count >= 40)
        #expect(SafeRedirect.localPath(nil) == nil)
    }

    @Test(arguments: [
        ("/account", "/account?next=%2Fa%3Fb%3D1%26c"),
        ("/account?x=1", "/account?x=1&next=%2Fa%3Fb%3D1%26c"),
        ("/account?", "/account?next=%2Fa%3Fb%3D1%26c"),
        ("/account?x=1&", "/account?x=1&next=%2Fa%3Fb%3D1%26c"),
        ("/account#top", "/account?next=%2Fa%3Fb%3D1%26c#top"),
        ("/account?x=1#top?y", "/account?x=1&next=%2Fa%3Fb%3D1%26c#top?y"),
    ])
    func appendsQueryParameters(path: String, expected: String) {
        #expect(SafeRedirect.appendingQuery(path, name: "next", value: "/a?b=1&c") == expected)
    }

    @Test func appendedValuesCannotBreakOut() {
        let result = SafeRedirect.appendingQuery("/p", name: "a&b", value: "#x y+é")
        #expect(result == "/p?a%26b=%23x%20y%2B%C3%A9")
        #expect(SafeRedirect.localPath(result) == result)
    }

    /// Random strings built from the characters attacks are made of: whatever is accepted stays on this host,
    /// for Foundation and for a browser-like reading (tabs and newlines stripped, `\` read as `/`).
    @Test func propertyAcceptedTargetsStayOnSite() throws {
        let seed = TestSeed.seed("SafeRedirectTests.property")
        var random = SplitMix64(seed: seed)
        let alphabet = ["/", "/", "/", "\\", "%", "2", "5", "F", "f", "C", "c", "0", "9", "a", "e", "@", ":", ".", "?",
                        "#", "\t", "\n", " ", "／", "∕", "evil.com", "https:", "%2F", "%5C", "%09", "%25", "&", "="]
        let base = try #require(URL(string: "https://stepup.example/"))
        var accepted = 0
        for _ in 0..<20_000 {
            let length = Int.random(in: 1...8, using: &random)
            let candidate = (0..<length).map { _ in alphabet.randomElement(using: &random)! }.joined()
            guard let path = SafeRedirect.localPath(candidate) else { continue }
            accepted += 1
            let resolved = try #require(URL(string: path, relativeTo: base)?.absoluteURL, "seed \(seed): \(path)")
            #expect(resolved.host == "stepup.example" && resolved.scheme == "https", "seed \(seed): \(path)")
            var layer = path
            for _ in 0..<4 {
                let browser = layer.filter { $0 != "\t" && $0 != "\n" && $0 != "\r" }.replacingOccurrences(of: "\\", with: "/")
                #expect(browser.hasPrefix("/") && !browser.hasPrefix("//"), "seed \(seed): \(path)")
                layer = layer.removingPercentEncoding ?? layer
            }
        }
        #expect(accepted > 100, "seed \(seed): the generator should reach accepted paths too")
    }
}
