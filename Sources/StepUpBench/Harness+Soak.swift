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
            var samples: [(at: Double, mib: Double)] = []
            repeat {
                samples.append((started.duration(to: clock.now).seconds, server.rssMiB()))
            } while (try? await Task.sleep(for: interval)) != nil
            return samples
        }
        let measured = try await openLoop("soak", rate: rate, seconds: seconds)
        sampler.cancel()
        var samples = await sampler.value
        samples.append((started.duration(to: clock.now).seconds, server.rssMiB()))
        let start = samples.first { $0.at >= seconds / 10 } ?? samples[samples.count - 1]
        let end = samples[samples.count - 1]
        emit("soak_seconds=\(format(measured.seconds))")
        emit("soak_rss_start_mib=\(format(start.mib))")
        emit("soak_rss_end_mib=\(format(end.mib))")
        emit("soak_rss_max_mib=\(format(samples.map(\.mib).max() ?? 0))")
        emit("soak_rss_growth_pct=\(format((end.mib - start.mib) / max(start.mib, 1) * 100, digits: 2))")
        emit("soak_rss_samples=\(samples.count)")
    }
}
