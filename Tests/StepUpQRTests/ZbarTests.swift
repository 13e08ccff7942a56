import Foundation
import StepUpTestSupport
import Testing
@testable import StepUpQR

/// What users scan: the SVG, rasterised by librsvg (`rsvg-convert`), read by ZBar (`zbarimg`) back to the exact
/// URI, for `otpauth://` URIs of 40 to 400 bytes.
@Suite("QR: SVG decodes with zbarimg", .ownThread, .timeLimit(.minutes(5)))
struct ZbarTests {
    static let labels = ["å:b@c", "ACME%20Co:alice%40example.com", "Stëp Up:ålice@例え.jp", "a/b:c=d"]
    static let suffixes = ["", "&issuer=ACME%20Co", "&algorithm=SHA256&digits=8&period=60", "&issuer=A%26B%3DC%2F"]

    /// A TOTP key URI of exactly `length` bytes (≥ 40): label and parameters vary with the length, and the
    /// secret fills the rest.
    static func otpauthURI(length: Int) -> String {
        let base32 = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        // Sixteen (label, parameters) pairs, tried from one that depends on the length; short lengths need short ones.
        for shift in 0..<labels.count * suffixes.count {
            let pair = length + shift
            let label = labels[pair % labels.count], suffix = suffixes[pair / labels.count % suffixes.count]
            let fixed = "otpauth://totp/\(label)?secret=".utf8.count + suffix.utf8.count
            guard length - fixed >= 8 else { continue }
            let secret = String((0..<length - fixed).map { base32[($0 * 7 + length) % 32] })
            return "otpauth://totp/\(label)?secret=\(secret)\(suffix)"
        }
        preconditionFailure("no URI of \(length) bytes")
    }

    /// zbarimg's reading of `svg`: rasterised at its own width and height, decoded as raw bytes (`-Sbinary`), as by
    /// default ZBar guesses a text encoding for byte mode and turns UTF-8 into mojibake.
    static func decode(_ svg: String, binary: Bool = true) throws -> [UInt8] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("stepup-qr-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let svgFile = directory.appendingPathComponent("code.svg"), png = directory.appendingPathComponent("code.png")
        try Data(svg.utf8).write(to: svgFile)
        try TestTools.run("rsvg-convert", ["--format", "png", "--output", png.path, svgFile.path], seconds: 60)
        let output = try TestTools.run("zbarimg", ["--raw", "-q"] + (binary ? ["-Sbinary"] : []) + [png.path],
                                       seconds: 60)
        return binary || output.last != 0x0A ? output : Array(output.dropLast())
    }

    static func available() -> Bool {
        TestTools.require("rsvg-convert", install: "apt-get install librsvg2-bin")
            && TestTools.require("zbarimg", install: "apt-get install zbar-tools")
    }

    @Test func urisOf40To400BytesDecodeExactly() throws {
        guard Self.available() else { return }
        let lengths = Array(stride(from: 40, through: 400, by: 12)) + [400]
        for length in lengths {
            let uri = Self.otpauthURI(length: length)
            #expect(uri.utf8.count == length)
            let code = try QRCode.encode(uri)
            let decoded = try Self.decode(code.svg(moduleSize: 4, title: "TOTP key"))
            #expect(decoded == Array(uri.utf8), "\(length) bytes, version \(code.version), mask \(code.mask): \(uri)")
        }
    }

    /// StepUp's own URIs are percent-encoded ASCII, which any reader returns as is, without `-Sbinary`.
    @Test func asciiURIsDecodeAsText() throws {
        guard Self.available() else { return }
        let uri = "otpauth://totp/St%C3%ABp%20Up:%C3%A5lice%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=St%C3%ABp%20Up"
        #expect(try Self.decode(QRCode.encode(uri).svg(), binary: false) == Array(uri.utf8))
    }

    /// Every level and the smallest sensible module size (2 px) still read back.
    @Test(arguments: QRErrorCorrection.allCases)
    func everyLevelAtTwoPixelsPerModule(level: QRErrorCorrection) throws {
        guard Self.available() else { return }
        let uri = Self.otpauthURI(length: 200)
        let code = try QRCode.encode(Array(uri.utf8), level: level)
        #expect(try Self.decode(code.svg(moduleSize: 2)) == Array(uri.utf8), "level \(level)")
    }
}
