import Foundation
import StepUpTestSupport
import Testing

/// Runs Fixtures/authenticator.py (cryptography + fido2 + py_webauthn) and reads the cases it prints.
///
/// Missing Python modules skip the interop tests locally with a printed reason; under a non-empty `CI` they fail,
/// because a skip in CI would hide the only independent check we have.
enum PythonAuthenticator {
    static let modules = ["cryptography", "fido2", "webauthn"]
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/authenticator.py").path

    /// The cases, or nil after recording why there are none.
    static func cases() throws -> [InteropCase]? {
        let imports = modules.map { "import \($0)" }.joined(separator: "; ")
        guard (try? python(["-c", imports])) != nil else {
            let why =
                "python3 with \(modules.joined(separator: ", ")) is needed (pip install fido2 webauthn cryptography)"
            if !(ProcessInfo.processInfo.environment["CI"] ?? "").isEmpty {
                Issue.record("CI: \(why)")
            } else {
                print("SKIP: \(why)")
            }
            return nil
        }
        return try JSONDecoder().decode([InteropCase].self, from: python([script]))
    }

    struct Failed: Error, CustomStringConvertible { let description: String }

    /// stdout of `python3 arguments`; throws (with its stderr) on a non-zero exit.
    private static func python(_ arguments: [String]) throws -> Data {
        let result = try Subprocess.run("/usr/bin/env", ["python3"] + arguments)
        guard result.status == 0 else {
            throw Failed(description: "python3 exited \(result.status): \(result.stderrText.suffix(2_000))")
        }
        return Data(result.stdout)
    }
}
