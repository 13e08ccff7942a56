import ArgumentParser
import Foundation
import StepUpCore
import StepUpGuard
import StepUpOIDC
import StepUpProcess

/// `stepup bench tokens`: ES256 access tokens issued per second (claims, JSON, signature: what `/oauth2/token` signs)
/// and StepUpGuard verifications per second (parse, signature, `typ`/`iss`/`aud`/`exp`, `acr` rank, `max_age`) on one
/// thread, against `openssl speed ecdsap256` sign and verify in the same run; CPU time, alternating rounds, best round.
struct BenchTokensCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokens",
        abstract: "Access tokens issued and verified (StepUpGuard) per second against openssl speed ecdsap256."
    )

    @OptionGroup var bench: OpenSSLBenchOptions
    var seconds: Int { bench.seconds }
    var rounds: Int { bench.rounds }
    var openssl: String { bench.openssl }

    func run() async throws {
        var rng = SystemRandomNumberGenerator()
        let now = Date()
        let key = SigningKey.generate(now: now, using: &rng)
        let signer = try await TokenSigner(key: key)
        let jwks = try SigningKeySet([key]).jwksJSON(at: now)
        let verifier = StepUpVerifier(issuer: "https://bench.example", audience: "https://api.example",
                                      fetch: { _ in jwks })
        let session = Session(id: "bench", userID: "user", createdAt: now, expiresAt: now + 3_600,
                              events: [AuthenticationEvent(id: "e1", factor: .password, at: now),
                                       AuthenticationEvent(id: "e2", factor: .totp, at: now)])
        let issued = IssuedAuthentication(session: session, level: LevelLadder.nistDefault["aal2"]!, now: now)
        let requirement = GuardRequirement(acr: "urn:stepup:acr:aal2", maxAge: 300)
        func issue() async throws -> String {
            try await signer.sign(AccessTokenClaims(
                issuer: "https://bench.example", audience: "https://api.example", clientID: "bench",
                scopes: ["openid"], authentication: issued, id: "jti", issuedAt: Date(), lifetime: 600))
        }
        let sample = try await issue()
        // Correctness first: a token the guard refuses measures nothing.
        guard case .allowed = await verifier.check(token: sample, requirement: requirement) else { throw ExitCode(5) }
        let tool = BenchArgon2Command.locate(openssl)
        if tool == nil {
            FileHandle.standardError.write(Data("error: '\(openssl)' not found on PATH (install openssl)\n".utf8))
        }
        var issuing: [Double] = [], verifying: [Double] = [], reference: [(sign: Double, verify: Double)] = []
        for _ in 0..<rounds {
            issuing.append(try await Self.perCPUSecond(seconds) { _ = try await issue() })
            verifying.append(try await Self.perCPUSecond(seconds) {
                guard case .allowed = await verifier.check(token: sample, requirement: requirement) else {
                    throw ExitCode(5)
                }
            })
            if let tool { reference.append(try Self.openssl(tool, seconds: seconds)) }
        }
        let issue = issuing.max() ?? 0, verify = verifying.max() ?? 0
        print("tokens_issued_per_s=\(Int(issue))")
        print("guard_verifications_per_s=\(Int(verify))")
        print("issue_rounds=\(issuing.map { String(Int($0)) }.joined(separator: ","))")
        print("verify_rounds=\(verifying.map { String(Int($0)) }.joined(separator: ","))")
        guard let sign = reference.map(\.sign).max(), let check = reference.map(\.verify).max() else { throw ExitCode(3) }
        print("openssl_ecdsap256_sign_per_s=\(Int(sign))")
        print("openssl_ecdsap256_verify_per_s=\(Int(check))")
        print("issue_ratio=\(String(format: "%.3f", sign > 0 ? issue / sign : 0))")
        print("verify_ratio=\(String(format: "%.3f", check > 0 ? verify / check : 0))")
    }

    /// Runs `body` for `seconds` of wall time; returns calls per second of process CPU time.
    static func perCPUSecond(_ seconds: Int, _ body: () async throws -> Void) async throws -> Double {
        let deadline = ContinuousClock.now + .seconds(seconds)
        let started = BenchWebAuthnCommand.cpuSeconds()
        var count = 0
        while ContinuousClock.now < deadline {
            for _ in 0..<32 { try await body() }
            count += 32
        }
        return Double(count) / max(BenchWebAuthnCommand.cpuSeconds() - started, 1e-9)
    }

    /// `openssl speed -seconds N ecdsap256`: the `nistp256` line ends with sign/s and verify/s.
    static func openssl(_ tool: String, seconds: Int) throws -> (sign: Double, verify: Double) {
        let output = try Subprocess.run(tool, ["speed", "-seconds", String(seconds), "ecdsap256"],
                                        timeout: .seconds(seconds * 4 + 60))
        let fields = output.stdoutText.split(separator: "\n").last { $0.contains("nistp256") }?
            .split(separator: " ").compactMap { Double($0) } ?? []
        guard output.status == 0, fields.count >= 2 else { throw ExitCode(4) }
        return (fields[fields.count - 2], fields[fields.count - 1])
    }
}
