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
    /// `sessions.cookie_domain`: the session cookie's `Domain`, shared with the hosts forward auth protects.
    var cookieDomain: String? = nil
    /// Hosts outside StepUp that sign-in and step-up may send the browser back to (`forward_auth.hosts`).
    var returnHosts: [HostPattern] = []

    /// Who is calling: address (trusted-proxy aware), user agent, and — for browsers — the device its signed
    /// cookie proves. The API passes `readDeviceCookie: false`: API clients prove devices in the body.
    func client(_ request: Request, context: StepUpRequestContext, readDeviceCookie: Bool = true) -> ClientInfo {
        let resolved = clientResolver.resolve(peer: context.peerIP, headers: request.headers)
        let device = readDeviceCookie ? deviceSecret(request).map(DeviceIdentity.id(secret:)) : nil
        return ClientInfo(ip: resolved.ip, userAgent: request.headers[.userAgent].map { String($0.prefix(512)) },
                          deviceID: device, country: resolved.country)
    }

    /// The secret in a validly signed device cookie.
    func deviceSecret(_ request: Request) -> String? {
        request.cookies[Self.deviceCookie].flatMap { signer.verify($0.value, purpose: "device") }
    }

    /// The device cookie carrying `secret` (valid 400 days, the browser maximum).
    func deviceCookie(secret: String) -> Cookie {
        cookie(Self.deviceCookie, signer.sign(secret, purpose: "device"), maxAge: 400 * 86_400)
    }

    func cookie(_ name: String, _ value: String, maxAge: Int?) -> Cookie {
        Cookie(name: name, value: value, maxAge: maxAge, domain: domain(of: name), path: "/", secure: secureCookies,
               httpOnly: true, sameSite: .lax)
    }

    func expiredCookie(_ name: String) -> Cookie {
        Cookie(name: name, value: "", maxAge: 0, domain: domain(of: name), path: "/", secure: secureCookies,
               httpOnly: true, sameSite: .lax)
    }

    /// Only the session cookie is shared across hosts; device and pre-session cookies stay on StepUp's host.
    private func domain(of cookie: String) -> String? { cookie == Self.sessionCookie ? cookieDomain : nil }

    /// Where a `next=` may lead: a path on StepUp, or a URL on a protected host; nil for anything else.
    func returnTarget(_ raw: String?) -> String? {
        SafeRedirect.localPath(raw) ?? SafeRedirect.protectedURL(raw, hosts: returnHosts)
    }

    /// A signed device cookie for browsers that have none.
    func deviceCookieIfMissing(_ request: Request) -> Cookie? {
        deviceSecret(request) == nil ? deviceCookie(secret: DeviceIdentity.newSecret()) : nil
    }

    static func redirect(_ location: String, cookies: [Cookie] = []) -> Response {
        var headers: HTTPFields = [.location: location, .cacheControl: "no-store"]
        for cookie in cookies { headers.append(HTTPField(name: .setCookie, value: cookie.description)) }
        return Response(status: .seeOther, headers: headers)
    }
}
