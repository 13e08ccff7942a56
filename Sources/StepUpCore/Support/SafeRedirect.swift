import Foundation

/// Redirect targets (`next=`, `return_to=`) that can only lead back to this site.
///
/// An open redirect turns a trusted sign-in link into a phishing link: `/login?next=//evil.example` signs the
/// user in, then sends them away. Browsers are lenient in ways an allow-list must anticipate: they strip tabs
/// and newlines anywhere (`/\t/evil.example` becomes `//evil.example`), read `\` as `/`, and some servers and
/// proxies decode `%2F` or decode twice. So ``localPath(_:)`` accepts only a conservative shape, checked raw
/// and after every round of percent-decoding:
///
/// - at most 1,024 bytes, starting with exactly one `/` (an absolute path: no scheme, no host);
/// - raw, only RFC 3986 URI characters (`A–Z a–z 0–9 - . _ ~ : / ? # [ ] @ ! $ & ' ( ) * + , ; = %`), and `%`
///   always followed by two hex digits: no spaces, controls, backslashes or non-ASCII;
/// - decoded (until stable, at most ``maxDecodingRounds`` rounds, else refused): valid UTF-8, no control
///   character (C0, DEL, C1) and no backslash anywhere;
/// - the path (up to the first raw `?` or `#`), raw and decoded: ASCII only (so no look-alike slashes such as
///   `／` U+FF0F or `∕` U+2215), no `//`, no `@`, still starting with `/`;
/// - resolved against a base URL by Foundation, the host is unchanged.
///
/// Anything else is refused (`nil`), never repaired: the caller falls back to a default page.
public enum SafeRedirect {
    public static let maxLength = 1_024
    public static let maxDecodingRounds = 3

    /// `raw` itself (still encoded) if it is a safe same-site path, else nil.
    ///
    /// ```swift
    /// SafeRedirect.localPath("/account")          // "/account"
    /// SafeRedirect.localPath("/%09/evil.example") // nil: a browser would strip the tab
    /// ```
    public static func localPath(_ raw: String?) -> String? {
        guard let raw, !raw.isEmpty, raw.utf8.count <= maxLength else { return nil }
        let bytes = Array(raw.utf8)
        guard bytes.allSatisfy(isURIByte), hasWellFormedEscapes(bytes) else { return nil }
        let pathEnd = bytes.firstIndex { $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") } ?? bytes.count
        var whole = bytes
        var path = Array(bytes[..<pathEnd])
        for round in 0...maxDecodingRounds {
            guard isSafeLayer(whole), isSafePath(path) else { return nil }
            let (decodedWhole, decodedPath) = (percentDecoded(whole), percentDecoded(path))
            if decodedWhole == whole, decodedPath == path { break }
            // Still changing after the last round: nested encodings this deep are an attack, not a link.
            guard round < maxDecodingRounds else { return nil }
            (whole, path) = (decodedWhole, decodedPath)
        }
        guard let resolved = URL(string: raw, relativeTo: base)?.absoluteURL,
              resolved.host == base.host, resolved.scheme == base.scheme, resolved.port == nil
        else { return nil }
        return raw
    }

    /// `path` with `name=value` added to its query (both percent-encoded), before any `#fragment`.
    ///
    /// ```swift
    /// SafeRedirect.appendingQuery("/step-up/c1#top", name: "next", value: "/a?b=1") // "/step-up/c1?next=%2Fa%3Fb%3D1#top"
    /// ```
    public static func appendingQuery(_ path: String, name: String, value: String) -> String {
        let fragmentStart = path.firstIndex(of: "#") ?? path.endIndex
        let base = path[..<fragmentStart]
        let fragment = path[fragmentStart...]
        let separator: String
        if !base.contains("?") {
            separator = "?"
        } else if base.hasSuffix("?") || base.hasSuffix("&") {
            separator = ""
        } else {
            separator = "&"
        }
        return String(base) + separator + encoded(name) + "=" + encoded(value) + String(fragment)
    }

    /// Only unreserved characters stay as they are, so the value cannot end the parameter or the query.
    static func encoded(_ text: String) -> String {
        var allowed = CharacterSet(charactersIn: "-._~")
        allowed.formUnion(CharacterSet(charactersIn: "a"..."z"))
        allowed.formUnion(CharacterSet(charactersIn: "A"..."Z"))
        allowed.formUnion(CharacterSet(charactersIn: "0"..."9"))
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }

    /// Any host works: only "did the host change" matters.
    private static let base = URL(string: "https://stepup.invalid/")!
}
