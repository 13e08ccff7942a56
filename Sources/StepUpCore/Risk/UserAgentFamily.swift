/// The browser or client family of a User-Agent string: enough to notice a session cookie moving from
/// Firefox to curl, not a full UA database. Version numbers are deliberately ignored (browsers auto-update).
///
/// The string is split into product tokens (`Chrome/120.0` → `chrome`, `(compatible; MSIE 10.0)` → `msie`)
/// and each is compared with one table, in place: parsing costs a few hundred nanoseconds on every decision.
public struct UserAgentFamily: Sendable, Hashable, CustomStringConvertible {
    public let name: String

    /// Product tokens in priority order: earlier ones win, because Edge and Opera also claim Chrome and Safari,
    /// and Chrome claims Safari. Headless Chrome (Puppeteer, Playwright) is its own family: a session that
    /// moves from Chrome to it is worth noticing.
    static let rules: [(token: String, family: String)] = [
        ("curl", "curl"), ("wget", "Wget"), ("python-requests", "python-requests"),
        ("python-urllib", "Python-urllib"), ("aiohttp", "aiohttp"), ("httpie", "HTTPie"),
        ("go-http-client", "Go-http-client"), ("okhttp", "okhttp"), ("postmanruntime", "Postman"),
        ("insomnia", "Insomnia"), ("java", "Java"), ("apache-httpclient", "Apache-HttpClient"),
        ("node-fetch", "node-fetch"), ("axios", "axios"), ("libwww-perl", "libwww-perl"),
        ("googlebot", "Googlebot"), ("bingbot", "Bingbot"),
        ("edg", "Edge"), ("edga", "Edge"), ("edgios", "Edge"), ("edge", "Edge"),
        ("opr", "Opera"), ("opera", "Opera"), ("samsungbrowser", "Samsung Internet"),
        ("yabrowser", "Yandex"), ("vivaldi", "Vivaldi"), ("ucbrowser", "UC Browser"),
        ("firefox", "Firefox"), ("fxios", "Firefox"),
        ("headlesschrome", "HeadlessChrome"), ("crios", "Chrome"), ("chromium", "Chromium"), ("chrome", "Chrome"),
        ("msie", "Internet Explorer"), ("trident", "Internet Explorer"),
        ("safari", "Safari"), ("applewebkit", "Safari"),
    ]

    /// The rules' tokens as bytes, in rule order (so the first rule naming a token wins, as in ``rules``).
    private static let tokens: [[UInt8]] = rules.map { Array($0.token.utf8) }
    private static let chrome = rules.firstIndex { $0.token == "chrome" } ?? 0
    /// Longer product tokens are no rule's (and are skipped).
    static let maxToken = 24

    /// The rank of the rule for one lowercased product token. An unlisted Chrome variant (`Chrome-Lighthouse`)
    /// counts as Chrome, so it can never fall through to the `Safari/…` token that every Chrome user agent also
    /// carries.
    private static func rank(of token: UnsafeBufferPointer<UInt8>) -> Int? {
        for (rank, candidate) in tokens.enumerated() where candidate.count == token.count {
            if candidate.elementsEqual(token) { return rank }
        }
        let needle = tokens[chrome]
        guard token.count >= needle.count else { return nil }
        for start in 0...(token.count - needle.count)
        where needle.indices.allSatisfy({ token[start + $0] == needle[$0] }) {
            return chrome
        }
        return nil
    }

    /// nil for an empty or missing user agent; "Other" when no known product appears.
    ///
    /// Runs on every decision (twice: the session's user agent and the request's), so it reads the bytes in
    /// place: no string, hash or search per token.
    public init?(_ userAgent: String?) {
        guard let userAgent, !userAgent.isEmpty else { return nil }
        var best: Int?
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: Self.maxToken) { buffer in
            var length = 0
            var inProduct = true
            func finish() {
                if length > 0, length <= Self.maxToken,
                   let found = Self.rank(of: UnsafeBufferPointer(rebasing: buffer[..<length])),
                   best.map({ found < $0 }) ?? true {
                    best = found
                }
                length = 0
            }
            for byte in userAgent.utf8.prefix(512) {
                switch byte {
                case 0x20, 0x3B, 0x28, 0x29, 0x2C, 0x09:  // space ; ( ) , tab
                    finish()
                    inProduct = true
                case 0x2F:  // "/" ends the product name; the version that follows is ignored
                    finish()
                    inProduct = false
                default:
                    guard inProduct else { continue }
                    if length < Self.maxToken { buffer[length] = byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte }
                    length += 1
                }
            }
            finish()
        }
        name = best.map { Self.rules[$0].family } ?? "Other"
    }

    public var description: String { name }
}
