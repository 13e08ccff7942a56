@testable import StepUpCore
import Testing

/// Every Chrome user agent also carries `AppleWebKit/…` and `Safari/…`: none may come out as Safari.
@Suite(.timeLimit(.minutes(5))) struct UserAgentFamilyTests {
    static let linuxWebKit = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)"

    static let cases: [(userAgent: String, family: String)] = [
        // Puppeteer and Playwright, old and new headless modes.
        (linuxWebKit + " HeadlessChrome/120.0.6099.28 Safari/537.36", "HeadlessChrome"),
        ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 "
         + "Safari/537.36", "HeadlessChrome"),
        ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
         + "HeadlessChrome/119.0.0.0 Safari/537.36", "HeadlessChrome"),
        ("HeadlessChrome/120.0.0.0", "HeadlessChrome"),
        // The same products in another order or case.
        ("Safari/537.36 AppleWebKit/537.36 HeadlessChrome/120.0", "HeadlessChrome"),
        ("mozilla/5.0 (x11; linux x86_64) applewebkit/537.36 headlesschrome/120.0 safari/537.36", "HeadlessChrome"),
        ("Safari/537.36 Chrome/120.0.0.0 AppleWebKit/537.36", "Chrome"),
        // Chrome on Android, in an Android WebView, in Electron, and Lighthouse's Chrome variant.
        ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.144 "
         + "Mobile Safari/537.36", "Chrome"),
        ("Mozilla/5.0 (Linux; Android 14; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 "
         + "Chrome/120.0.6099.144 Mobile Safari/537.36", "Chrome"),
        (linuxWebKit + " Slack/4.36.140 Chrome/120.0.6099.56 Electron/28.1.0 Safari/537.36", "Chrome"),
        (linuxWebKit + " Safari/537.36 Chrome-Lighthouse", "Chrome"),
        // Real Safari stays Safari.
        ("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_2) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 "
         + "Safari/605.1.15", "Safari"),
        ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
         + "Version/17.2 Mobile/15E148 Safari/604.1", "Safari"),
    ]

    @Test(arguments: cases)
    func chromeIsNeverSafari(userAgent: String, family: String) {
        #expect(UserAgentFamily(userAgent)?.name == family)
    }

    @Test func headlessChromeIsAnotherFamilyThanChrome() {
        let chrome = UserAgentFamily(Self.linuxWebKit + " Chrome/120.0.0.0 Safari/537.36")
        let headless = UserAgentFamily(Self.linuxWebKit + " HeadlessChrome/120.0.0.0 Safari/537.36")
        #expect(chrome?.name == "Chrome")
        #expect(headless != nil && headless != chrome, "a cookie replayed headless must look like a change")
    }

    /// The parser reads bytes in place; this reference splits the same way with strings and a dictionary, as the
    /// first version did. Both must agree on real user agents and on generated ones (long tokens, other scripts,
    /// every separator, the 512-byte cut).
    @Test func agreesWithAPlainStringReference() {
        let fragments = ["Mozilla/5.0", "(X11;", "Linux", "x86_64)", "AppleWebKit/537.36", "(KHTML, like Gecko)",
                         "Chrome/120.0", "Safari/537.36", "Firefox/128.0", "rv:128.0", "Edg/120", "OPR/99",
                         "curl/8.5.0", "HeadlessChrome/1", "Chrome-Lighthouse", "MSIE 10.0;", "Trident/7.0",
                         "python-requests/2.31", "chrome", "CHROMEish", "xchromex/1", "a" + String(repeating: "b", count: 30),
                         "Überbrowser/1", "日本語/2", "\t", ",", "/", ";;", "()", "Edge", "edgios/1", "Java/17",
                         String(repeating: "x", count: 24), String(repeating: "y", count: 25) + "chrome"]
        var generator = SystemRandomNumberGenerator()
        var agents = Self.cases.map(\.userAgent) + ["", " ", "/", "chrome", String(repeating: "a ", count: 300) + "Firefox/1"]
        for _ in 0..<2_000 {
            let count = Int.random(in: 1...12, using: &generator)
            let separators = [" ", "", ";", "/", "(", ")", ",", "\t"]
            agents.append((0..<count).map { _ in
                fragments.randomElement(using: &generator)! + separators.randomElement(using: &generator)!
            }.joined())
        }
        for agent in agents {
            #expect(UserAgentFamily(agent)?.name == Self.reference(agent), "\(agent)")
        }
    }

    static func reference(_ userAgent: String) -> String? {
        guard !userAgent.isEmpty else { return nil }
        // The parser's own rule table: what is compared is the matching, not the data.
        let rules = UserAgentFamily.rules
        var table: [String: (Int, String)] = [:]
        for (rank, rule) in rules.enumerated() where table[rule.token] == nil { table[rule.token] = (rank, rule.family) }
        var best: (Int, String)?
        var token: [UInt8] = []
        var inProduct = true
        func finish() {
            let text = String(decoding: token, as: UTF8.self)
            if !token.isEmpty, token.count <= 24,
               let found = table[text] ?? (text.contains("chrome") ? table["chrome"] : nil),
               best.map({ found.0 < $0.0 }) ?? true {
                best = found
            }
            token = []
        }
        for byte in userAgent.utf8.prefix(512) {
            switch byte {
            case 0x20, 0x3B, 0x28, 0x29, 0x2C, 0x09: finish(); inProduct = true
            case 0x2F: finish(); inProduct = false
            default: if inProduct { token.append(byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte) }
            }
        }
        finish()
        return best?.1 ?? "Other"
    }
}
