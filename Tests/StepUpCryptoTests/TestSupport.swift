import Foundation
import StepUpTestSupport
import Testing

/// Hex helpers and external-tool plumbing shared by the crypto tests.
enum TestSupport {
    static func hex(_ string: String) -> [UInt8] {
        let digits = Array(string.filter { !$0.isWhitespace }.utf8)
        var out = [UInt8]()
        var i = 0
        while i + 1 < digits.count {
            out.append(UInt8(String(decoding: digits[i...i + 1], as: UTF8.self), radix: 16) ?? 0)
            i += 2
        }
        return out
    }

    static func hexString(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    /// Whether a test may use `tool`; when missing, skips locally (with a printed reason) but fails in CI.
    static func require(_ tool: String, pythonModules: [String] = []) -> Bool {
        TestTools.require(tool, pythonModules: pythonModules)
    }

    /// Runs `tool` with `arguments`, feeding `input` on stdin; returns stdout. Throws on non-zero exit.
    @discardableResult
    static func run(_ tool: String, _ arguments: [String], input: [UInt8] = []) throws -> String {
        String(decoding: try TestTools.run(tool, arguments, input: input), as: UTF8.self)
    }
}
