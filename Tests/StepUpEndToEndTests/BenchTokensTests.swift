import Foundation
import StepUpTestSupport
import Testing

/// `stepup bench tokens` prints its name=value lines with both sides measured in one run (the ratio, not the
/// absolute numbers, is what a busy machine can be asked about).
@Suite("Bench tokens", .heavy, .timeLimit(.minutes(5)))
struct BenchTokensTests {
    @Test func printsIssueAndVerifyRatesBesideOpenSSL() async throws {
        guard ExternalTool.require("openssl", package: "openssl") != nil else { return }
        let run = try await ExternalTool.run(ExternalTool.stepupBinary, ["bench", "tokens", "--seconds", "1", "--rounds", "1"])
        #expect(run.status == 0, "\(run.stderr)")
        let values = run.figures.compactMapValues(Double.init)
        for name in ["tokens_issued_per_s", "guard_verifications_per_s", "openssl_ecdsap256_sign_per_s",
                     "openssl_ecdsap256_verify_per_s", "issue_ratio", "verify_ratio"] {
            #expect((values[name] ?? 0) > 0, "\(name) missing in:\n\(run.stdout)")
        }
        let bad = try await ExternalTool.run(ExternalTool.stepupBinary, ["bench", "tokens", "--seconds", "0"])
        #expect(bad.status != 0)
    }
}
