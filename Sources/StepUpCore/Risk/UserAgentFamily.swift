/// The browser or client family of a User-Agent string: enough to notice a session cookie moving from
/// Firefox to curl, not a full UA database. Version numbers are deliberately ignored (browsers auto-update).
public struct UserAgentFamily: Sendable, Hashable, CustomStringConvertible {
    public let name: String

    /// Tokens checked in order; earlier ones win because many browsers also claim to be Chrome or Safari.
    private static let rules: [(token: String, family: String)] = [
        ("curl/", "curl"), ("wget/", "Wget"), ("python-requests", "python-requests"),
        ("python-urllib", "Python-urllib"), ("aiohttp", "aiohttp"), ("httpie", "HTTPie"),
        ("go-http-client", "Go-http-client"), ("okhttp", "okhttp"), ("postmanruntime", "Postman"),
        ("insomnia", "Insomnia"), ("java/", "Java"), ("apache-httpclient", "Apache-HttpClient"),
        ("node-fetch", "node-fetch"), ("axios", "axios"), ("libwww-perl", "libwww-perl"),
        ("googlebot", "Googlebot"), ("bingbot", "Bingbot"),
        ("edg/", "Edge"), ("edga/", "Edge"), ("edgios/", "Edge"), ("edge/", "Edge"),
        ("opr/", "Opera"), ("opera", "Opera"), ("samsungbrowser/", "Samsung Internet"),
        ("yabrowser/", "Yandex"), ("vivaldi/", "Vivaldi"), ("ucbrowser/", "UC Browser"),
        ("firefox/", "Firefox"), ("fxios/", "Firefox"),
        ("crios/", "Chrome"), ("chromium/", "Chromium"), ("chrome/", "Chrome"),
        ("msie ", "Internet Explorer"), ("trident/", "Internet Explorer"),
        ("safari/", "Safari"), ("applewebkit/", "Safari"),
    ]

    /// nil for an empty or missing user agent.
    public init?(_ userAgent: String?) {
        guard let userAgent, !userAgent.isEmpty else { return nil }
        let lowered = userAgent.prefix(512).lowercased()
        name = Self.rules.first { lowered.contains($0.token) }?.family ?? "Other"
    }

    public var description: String { name }
}
