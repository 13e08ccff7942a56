import Foundation

extension Harness {
    /// `--soak-seconds`: `allow` decisions in an open loop at `rate` for `seconds`, with the server's RSS sampled every
    /// few seconds. The first tenth of the run is warm-up (caches, allocator arenas, SQLite pages): growth is counted
    /// from the first sample after it to the last.
    func soak(rate: Double, seconds: Double) async throws {
        let interval = Duration.seconds(min(5, max(0.5, seconds / 50)))
        let server = self.server
        let clock = ContinuousClock()
        let started = clock.now
        let sampler = Task {
            var samples: [(at: Double, mib: Double, anonymous: Double)] = []
            repeat {
                let memory = server.memory()
                samples.append((started.duration(to: clock.now).seconds, memory.total, memory.anonymous))
            } while (try? await Task.sleep(for: interval)) != nil
            return samples
        }
        let measured = try await openLoop("soak", rate: rate, seconds: seconds)
        sampler.cancel()
        var samples = await sampler.value
        let last = server.memory()
        samples.append((started.duration(to: clock.now).seconds, last.total, last.anonymous))
        let start = samples.first { $0.at >= seconds / 10 } ?? samples[samples.count - 1]
        let end = samples[samples.count - 1]
        emit("soak_seconds=\(format(measured.seconds))")
        emit("soak_rss_start_mib=\(format(start.mib))")
        emit("soak_rss_end_mib=\(format(end.mib))")
        emit("soak_rss_max_mib=\(format(samples.map(\.mib).max() ?? 0))")
        emit("soak_rss_growth_pct=\(format((end.mib - start.mib) / max(start.mib, 1) * 100, digits: 2))")
        // Anonymous memory is what a leak would grow; the rest is mostly the memory-mapped database, which grows
        // with the audit table and which the kernel reclaims under pressure.
        emit("soak_rss_anon_start_mib=\(format(start.anonymous))")
        emit("soak_rss_anon_end_mib=\(format(end.anonymous))")
        let anonymousGrowth = (end.anonymous - start.anonymous) / max(start.anonymous, 1) * 100
        emit("soak_rss_anon_growth_pct=\(format(anonymousGrowth, digits: 2))")
        emit("soak_rss_samples=\(samples.count)")
    }
}
