import Foundation
import Testing
@testable import StepUpQR

/// The SVG draws exactly the symbol's dark modules, and is safe to inline in a page.
@Suite("QR: SVG rendering")
struct QRCodeSVGTests {
    /// The dark modules the path draws, read back from its `M x y h n v1 h -n z` rectangles.
    static func darkModules(in svg: String) -> Set<[Int]> {
        guard let start = svg.range(of: " d=\"")?.upperBound,
              let end = svg[start...].firstIndex(of: "\"") else { return [] }
        var result = Set<[Int]>()
        for rectangle in svg[start..<end].split(separator: "z") {
            let numbers = rectangle.split(whereSeparator: { "Mhv ".contains($0) }).compactMap { Int($0) }
            guard numbers.count == 5, numbers[2] > 0, numbers[3] == 1, numbers[4] == -numbers[2] else { return [] }
            for x in numbers[0]..<numbers[0] + numbers[2] { result.insert([x, numbers[1]]) }
        }
        return result
    }

    @Test func thePathDrawsExactlyTheDarkModules() throws {
        for length in [0, 40, 400, 1500] {
            let code = try QRCode.encode([UInt8](repeating: 0x5A, count: length))
            let quiet = 4
            var expected = Set<[Int]>()
            for y in 0..<code.size {
                for x in 0..<code.size where code[x, y] { expected.insert([x + quiet, y + quiet]) }
            }
            #expect(Self.darkModules(in: code.svg(quietZone: quiet)) == expected, "\(length) bytes")
        }
    }

    @Test func sizeViewBoxAndAccessibility() throws {
        let code = try QRCode.encode("otpauth://totp/ACME:alice?secret=JBSWY3DPEHPK3PXP")
        let svg = code.svg(moduleSize: 5, quietZone: 4, title: "Scan with your authenticator app")
        let side = code.size + 8
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(side) \(side)\""))
        #expect(svg.contains("width=\"\(side * 5)\" height=\"\(side * 5)\""))
        #expect(svg.contains("shape-rendering=\"crispEdges\""))
        #expect(svg.contains("role=\"img\" aria-label=\"Scan with your authenticator app\""))
        #expect(svg.contains("<title>Scan with your authenticator app</title>"))
        #expect(svg.components(separatedBy: "<path").count == 2)
        #expect(svg.hasSuffix("</svg>"))
    }

    @Test func titleIsEscapedAndNothingActiveIsEmitted() throws {
        let hostile = "\"><script>alert('x')</script><img src=x onerror=alert(1)> & co"
        let svg = try QRCode.encode("x").svg(title: hostile)
        #expect(svg.contains("&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&lt;img src=x"))
        #expect(svg.contains("&amp; co"))
        // Only these four elements, and no attribute a strict CSP would block (inline style, links, handlers).
        let elements = svg.split(separator: "<").compactMap { $0.split(whereSeparator: { " >/".contains($0) }).first }
        #expect(Set(elements.filter { !$0.isEmpty }) == ["svg", "title", "rect", "path"])
        for forbidden in ["style=", "href", "url(", "javascript:", "<script", "<img"] {
            #expect(!svg.contains(forbidden), "\(forbidden)")
        }
    }

    @Test func outsideTheSymbolIsLight() throws {
        let code = try QRCode.encode("quiet")
        #expect(!code[-1, 0] && !code[0, -1] && !code[code.size, 0] && !code[0, code.size])
        #expect(code[0, 0])  // the top-left finder's corner
        let wide = code.svg(quietZone: 0)
        #expect(wide.contains("viewBox=\"0 0 \(code.size) \(code.size)\""))
    }
}
