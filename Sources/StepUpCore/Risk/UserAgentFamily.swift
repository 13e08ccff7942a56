/// The browser or client family of a User-Agent string: enough to notice a session cookie moving from
/// Firefox to curl, not a full UA database. Version numbers are deliberately ignored (browsers auto-update).
///
/// The string is split into product tokens (`Chrome/120.0` → `chrome`, `(compatible; MSIE 10.0)` → `msie`)
/// and each is looked up in one table, so parsing costs a few hundred nanoseconds on every decision.
public struct UserAgentFamily: Sendable, Hashable, CustomStringConvertible {
    public let name: String

    /// Product tokens in priority order: earlier ones win, because Edge and Opera also claim Chrome and Safari,
    /// and Chrome claims Safari. Headless Chrome (Puppeteer, Playwright) is its own family: a session that
    /// moves from Chrome to it is worth noticing.
    private static let rules: [(token: String, family: String)] = [
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

    private static let table: [String: (rank: Int, family: String)] = {
        var table: [String: (rank: Int, family: String)] = [:]
        for (rank, rule) in rules.enumerated() where table[rule.token] == nil {
            table[rule.token] = (rank, rule.family)
        }
        return table
    }()

    /// The rule for one lowercased product token. An unlisted Chrome variant (`Chrome-Lighthouse`) counts as
    /// Chrome, so it can never fall through to the `Safari/…` token that every Chrome user agent also carries.
    private static func rule(for token: String) -> (rank: Int, family: String)? {
        table[token] ?? (token.contains("chrome") ? table["chrome"] : nil)
    }

    /// nil for an empty or missing user agent; "Other" when no known product appears.
    public init?(_ userAgent: String?) {
        guard let userAgent, !userAgent.isEmpty else { return nil }
        var best: (rank: Int, family: String)?
        var token: [UInt8] = []
        token.reserveCapacity(24)
        var inProduct = true
        func finish() {
            if !token.isEmpty, token.count <= 24, let found = Self.rule(for: String(decoding: token, as: UTF8.self)),
               best.map({ found.rank < $0.rank }) ?? true {
                best = found
            }
            token.removeAll(keepingCapacity: true)
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
                token.append(byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte)
            }
        }
        finish()
        name = best?.family ?? "Other"
    }

    public var description: String { name }
}
