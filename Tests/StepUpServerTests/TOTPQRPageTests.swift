import Foundation
import HTTPTypes
import HummingbirdTesting
import StepUpTestSupport
import Testing
@testable import StepUpServer

/// TOTP enrollment shows the `otpauth://` URI as a QR code drawn by the server (SVG), beside the text secret; what a
/// phone scans from the real page is the exact URI.
@Suite("TOTP enrollment QR code", .timeLimit(.minutes(5)))
struct TOTPQRPageTests {
    @Test func theEnrollmentPageCarriesAScannableQRCodeOfTheURI() async throws {
        let harness = try TestHarness()
        let bob = try await harness.service.createUser(username: "bob", password: "bob's long password")
        try await harness.knowDevice(of: bob)
        try await harness.application().test(.router) { client in
            var browser = harness.knownBrowser()
            _ = try await browser.signIn(client, "bob", "bob's long password")
            let account = try await browser.get(client, "/account")
            let page = try await browser.post(client, "/account/totp", ["csrf": try #require(Browser.csrf(in: account.html))])
            #expect(page.status == .ok)
            let uri = try #require(WebAuthnPageTests.attribute("href", of: "otpauth", in: page.html))
            #expect(uri.hasPrefix("otpauth://totp/"))
            let start = try #require(page.html.range(of: "<svg "), "an inline SVG")
            let end = try #require(page.html.range(of: "</svg>", range: start.upperBound..<page.html.endIndex))
            let svg = String(page.html[start.lowerBound..<end.upperBound])
            #expect(!svg.contains("<script") && !svg.contains("style=") && !svg.contains("href"))
            #expect(page.html.contains("id=\"secret\""), "the text secret is still beside it")
            guard TestTools.require("rsvg-convert", install: "apt-get install librsvg2-bin"),
                  TestTools.require("zbarimg", install: "apt-get install zbar-tools")
            else { return }
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("stepup-totp-qr-\(UUID())")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let file = directory.appendingPathComponent("qr.svg"), png = directory.appendingPathComponent("qr.png")
            try Data(svg.utf8).write(to: file)
            try TestTools.run("rsvg-convert", ["--format", "png", "--output", png.path, file.path], seconds: 60)
            let scanned = try TestTools.run("zbarimg", ["--raw", "-q", "-Sbinary", png.path], seconds: 60)
            #expect(String(decoding: scanned, as: UTF8.self) == uri)
        }
    }
}
