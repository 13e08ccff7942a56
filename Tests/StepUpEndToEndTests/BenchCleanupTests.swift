import Foundation
import StepUpTestSupport
import Testing

/// A benchmark whose reader goes away (`| head -1`) still stops the server it started; a whole run prints its figures.
@Suite("Bench cleanup", .heavy, .timeLimit(.minutes(5)))
struct BenchCleanupTests {
    @Test func aBenchmarkWhoseReaderLeavesStopsItsServer() async throws {
        let marker = "stepup-bench-"
        func servers() -> Set<String> {
            let found = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
            return Set(found.filter { pid in
                guard Int(pid) != nil,
                      let line = try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8)
                else { return false }
                return line.contains("serve") && line.contains(marker)
            })
        }
        let before = servers()
        let run = try await ExternalTool.run("/bin/sh", ["-c", "\"$0\" bench decisions --seconds 0.2 | head -1",
                                                         ExternalTool.stepupBinary], timeout: .seconds(240))
        #expect(run.stdout.hasPrefix("storage=sqlite"), "\(run.stdout)\n\(run.stderr)")
        // `head` has left; the benchmark runs on to the end and stops its server.
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline, !servers().subtracting(before).isEmpty {
            try await Task.sleep(for: .milliseconds(200))
        }
        #expect(servers().subtracting(before).isEmpty, "a benchmark server was left running")
    }

    /// The figures the README names for `bench decisions` are all printed, each as `name=number`, among them how
    /// many hashes the catch-up thread took up during the login storm.
    @Test func theDecisionBenchmarkPrintsEveryFigureTheReadmeNames() async throws {
        let run = try await ExternalTool.run(ExternalTool.stepupBinary, ["bench", "decisions", "--seconds", "0.2"],
                                             timeout: .seconds(240))
        try #require(run.status == 0, "\(run.stderr)")
        let figures = run.figures
        #expect(figures["storage"] == "sqlite")
        for name in ["server_rss_idle_mib", "allow_c1_ratio", "allow_c32_ratio", "allow_half_peak_p99_ms",
                     "allow_half_peak_bare_p99_ms", "allow_half_peak_commits_per_decision",
                     "step_up_c1_ratio", "step_up_c32_ratio", "login_storm_c32_p99_ms", "login_storm_half_peak_p99_ms",
                     "login_storm_sign_ins_per_s", "login_storm_hashes_caught_up"] {
            #expect(figures[name].flatMap(Double.init).map { $0 >= 0 } == true, "\(name)=\(figures[name] ?? "missing")")
        }
    }

    /// `bench edge` runs nginx alone, nginx with forward auth and the gateway against one upstream and prints each
    /// figure the README names; every request is answered 2xx (each was allowed), and `--allow-audit` reaches the
    /// policy (a volume the policy language refuses stops the run before any server starts).
    @Test func theEdgeBenchmarkPrintsItsFiguresWithTheAuditVolumeAsked() async throws {
        guard ExternalTool.require("nginx", package: "nginx") != nil,
              ExternalTool.require("wrk", package: "wrk") != nil else { return }
        let run = try await ExternalTool.run(ExternalTool.stepupBinary,
                                             ["bench", "edge", "--seconds", "0.3", "--allow-audit", "counted"],
                                             timeout: .seconds(240))
        try #require(run.status == 0, "\(run.stdout)\n\(run.stderr)")
        let figures = run.figures
        #expect(figures["allow_audit"] == "counted")
        for name in ["nginx_c32_rps", "forward_auth_c32_rps", "gateway_c32_rps", "forward_auth_ratio", "gateway_ratio",
                     "nginx_half_peak_p99_ms", "forward_auth_half_peak_p99_ms", "gateway_half_peak_p99_ms"] {
            #expect(figures[name].flatMap(Double.init).map { $0 > 0 } == true, "\(name)=\(figures[name] ?? "missing")")
        }
        for name in ["nginx", "forward_auth", "gateway"] {
            #expect(figures["\(name)_c32_non_2xx"] == "0", "\(run.stdout)")
            #expect(figures["\(name)_half_peak_failures"] == "0", "\(run.stdout)")
        }

        let refused = try await ExternalTool.run(ExternalTool.stepupBinary, ["bench", "edge", "--allow-audit", "sampled 1"])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("--allow-audit must be"), "\(refused.stderr)")
    }
}
