/// Rendering as SVG, for inlining in the account page.
extension QRCode {
    /// An SVG image of the symbol: one `<path>` of dark runs on a light square, `shape-rendering="crispEdges"`.
    ///
    /// Safe to inline in HTML under a strict Content-Security-Policy: no script, no `style` attribute, no external
    /// reference, and `title` escaped. The background is drawn, so a dark page theme cannot swallow the quiet zone.
    ///
    /// - Parameters:
    ///   - moduleSize: CSS pixels per module for `width` and `height`; the `viewBox` counts modules, so CSS may
    ///     scale the image without blurring it.
    ///   - quietZone: light modules around the symbol; the standard asks for at least 4.
    ///   - title: what a screen reader announces (`<title>` and `aria-label`).
    public func svg(moduleSize: Int = 4, quietZone: Int = 4, title: String = "QR code") -> String {
        let side = size + 2 * max(0, quietZone)
        let pixels = side * max(1, moduleSize)
        let label = Self.escaped(title)
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(side) \(side)\" width=\"\(pixels)\""
        svg += " height=\"\(pixels)\" role=\"img\" aria-label=\"\(label)\" shape-rendering=\"crispEdges\">"
        svg += "<title>\(label)</title><rect width=\"\(side)\" height=\"\(side)\" fill=\"#fff\"/>"
        svg += "<path fill=\"#000\" d=\"\(pathData(offset: max(0, quietZone)))\"/></svg>"
        return svg
    }

    /// One closed rectangle per horizontal run of dark modules: `M x y h run v1 h -run z`.
    private func pathData(offset: Int) -> String {
        var data = ""
        for y in 0..<size {
            var x = 0
            while x < size {
                guard self[x, y] else {
                    x += 1
                    continue
                }
                let start = x
                while x < size, self[x, y] { x += 1 }
                data += "M\(start + offset) \(y + offset)h\(x - start)v1h-\(x - start)z"
            }
        }
        return data
    }

    /// Text safe in both element content and a double- or single-quoted attribute.
    static func escaped(_ text: String) -> String {
        var result = ""
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.append(character)
            }
        }
        return result
    }
}
