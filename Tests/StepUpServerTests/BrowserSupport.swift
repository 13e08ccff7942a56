import Crypto
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
@testable import StepUpServer

extension TestHarness {
    /// The signed device cookie value a browser on the harness's test device carries.
    var deviceCookieValue: String {
        CookieSigner(key: cookieKey).sign(Self.deviceSecret, purpose: "device")
    }

    /// A browser whose device cookie proves the harness's test device (known once ``knowDevice(of:)`` ran).
    func knownBrowser() -> Browser {
        var browser = Browser()
        browser.cookies[WebSupport.deviceCookie] = deviceCookieValue
        return browser
    }
}

extension Browser {
    /// Opens the sign-in form and posts it with its CSRF token; returns the answer to the post.
    mutating func signIn(_ client: some TestClientProtocol, _ username: String,
                         _ password: String = "correct horse battery") async throws
        -> (status: HTTPResponse.Status, headers: HTTPFields, html: String)
    {
        let form = try await get(client, "/login")
        let csrf = try #require(Browser.csrf(in: form.html), "the sign-in form carries a CSRF token")
        return try await post(client, "/login", ["username": username, "password": password, "csrf": csrf])
    }

    /// The value of the `name` cookie a response sets, if it sets one.
    static func setCookie(_ name: String, in headers: HTTPFields) -> String? {
        headers[values: .setCookie].first { $0.hasPrefix(name + "=") }
            .map { String($0.dropFirst(name.count + 1).prefix { $0 != ";" }) }
    }
}
