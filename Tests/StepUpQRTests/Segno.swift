import Foundation
import StepUpTestSupport
@testable import StepUpQR

/// segno (`pip install segno`), the independent encoder the QR tests compare with, driven through
/// `Fixtures/segno_reference.py`: one Python process per batch of symbols.
enum Segno {
    struct Request: Encodable {
        var data: String, level: String, version: Int?, mask: Int?
    }

    struct Symbol: Decodable, Equatable {
        var version: Int, mask: Int, rows: [String]
    }

    /// Whether segno can run; otherwise skips locally, fails in CI.
    static func available() -> Bool {
        TestTools.require("python3", pythonModules: ["segno"], install: "pip install segno")
    }

    /// segno's symbols for `requests` (a nil version or mask lets segno choose, as ours does).
    static func encode(_ requests: [Request]) throws -> [Symbol] {
        try call(["encode": requests])
    }

    /// segno's four penalty scores (N1…N4) of each matrix, given as rows of "0" and "1".
    static func penalties(_ matrices: [[String]]) throws -> [[Int]] {
        try call(["penalties": matrices])
    }

    /// A request for `bytes` with our code's version and level, and its mask unless `chooseMask`.
    static func request(_ bytes: [UInt8], like code: QRCode, chooseMask: Bool = false) -> Request {
        Request(data: hex(bytes), level: code.errorCorrection.description, version: chooseMask ? nil : code.version,
                mask: chooseMask ? nil : code.mask)
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef")
        return String(bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 15)]] })
    }

    private static func call<In: Encodable, Out: Decodable>(_ input: In) throws -> Out {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/segno_reference.py").path
        let output = try TestTools.run("python3", [script], input: Array(try JSONEncoder().encode(input)))
        return try JSONDecoder().decode(Out.self, from: Data(output))
    }
}

extension QRCode {
    /// The symbol as segno prints it: rows of "1" (dark) and "0".
    var rows: [String] { (0..<size).map { y in String((0..<size).map { self[$0, y] ? "1" : "0" }) } }

    /// The same symbol as segno's, as a readable verdict: nil when equal, else where the first difference is.
    func difference(from symbol: Segno.Symbol) -> String? {
        guard symbol.version == version, symbol.mask == mask else {
            return "segno chose version \(symbol.version) mask \(symbol.mask); we chose \(version) mask \(mask)"
        }
        for (y, (ours, theirs)) in zip(rows, symbol.rows).enumerated() where ours != theirs {
            let x = zip(ours, theirs).enumerated().first { $1.0 != $1.1 }?.offset ?? 0
            return "version \(version) mask \(mask): first difference at x \(x), y \(y)"
        }
        return nil
    }
}

extension QRMatrix {
    var rows: [String] { (0..<size).map { y in String((0..<size).map { self[$0, y] ? "1" : "0" }) } }
}
