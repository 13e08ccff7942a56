import StepUpCore
import Testing

/// Every Chrome user agent also carries `AppleWebKit/…` and `Safari/…`: none may come out as Safari.
@Suite(.timeLimit(.minutes(2))) struct UserAgentFamilyTests {
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
}
