import ArgumentParser

/// Options of the benchmarks that measure against `openssl speed` in the same run.
struct OpenSSLBenchOptions: ParsableArguments {
    @Option(help: "Seconds each side runs per round.")
    var seconds = 5

    @Option(help: "Rounds; ours and openssl alternate, and each side's best round counts (a busy machine slows both).")
    var rounds = 3

    @Option(help: "Path or name of the openssl CLI.")
    var openssl = "openssl"

    func validate() throws {
        guard (1...600).contains(seconds) else { throw ValidationError("--seconds must be 1...600") }
        guard (1...20).contains(rounds) else { throw ValidationError("--rounds must be 1...20") }
    }
}
