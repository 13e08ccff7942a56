import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import StepUpCore

/// Cookies, CSRF, client identification and page rendering shared by the browser routes.
struct WebSupport: Sendable {
    static let sessionCookie = "stepup_session"
    static let deviceCookie = "stepup_device"
    static let preSessionCookie = "stepup_presession"

    let signer: CookieSigner
    let secureCookies: Bool
    let pages: PageRenderer
    let clientResolver: ClientResolver

    /// Who is calling: address (trusted-proxy aware), user agent, signed device id.
    func client(_ request: Request, context: StepUpRequestContext) -> ClientInfo {
        let resolved = clientResolver.resolve(peer: context.peerIP, headers: request.headers)
        let device = request.cookies[Self.deviceCookie].flatMap { signer.verify($0.value, purpose: "device") }
        return ClientInfo(ip: resolved.ip, userAgent: request.headers[.userAgent].map { String($0.prefix(512)) },
                          deviceID: device, country: resolved.country)
    }

    func cookie(_ name: String, _ value: String, maxAge: Int?) -> Cookie {
        Cookie(name: name, value: value, maxAge: maxAge, path: "/", secure: secureCookies, httpOnly: true,
               sameSite: .lax)
    }

    func expiredCookie(_ name: String) -> Cookie {
        Cookie(name: name, value: "", maxAge: 0, path: "/", secure: secureCookies, httpOnly: true, sameSite: .lax)
    }

    /// A signed device cookie for browsers that have none (valid 400 days, the browser maximum).
    func deviceCookieIfMissing(_ request: Request) -> Cookie? {
        if let existing = request.cookies[Self.deviceCookie], signer.verify(existing.value, purpose: "device") != nil {
            return nil
        }
        return cookie(Self.deviceCookie, signer.sign(Tokens.random(bytes: 18), purpose: "device"),
                      maxAge: 400 * 86_400)
    }

    /// Only same-site relative paths may be redirect targets (no open redirects).
    static func safeNext(_ next: String?) -> String? {
        guard let next, next.hasPrefix("/"), !next.hasPrefix("//"), !next.hasPrefix("/\\"), next.count <= 1_024,
              !next.contains("\r"), !next.contains("\n")
        else { return nil }
        return next
    }

    static func redirect(_ location: String, cookies: [Cookie] = []) -> Response {
        var headers: HTTPFields = [.location: location, .cacheControl: "no-store"]
        for cookie in cookies { headers.append(HTTPField(name: .setCookie, value: cookie.description)) }
        return Response(status: .seeOther, headers: headers)
    }
}
