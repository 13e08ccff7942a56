import Logging
import Synchronization
import Testing
@testable import StepUpServer

/// The server's log handler keeps metadata as values and gives it to the handler it wraps with each line.
@Suite("Deferred-metadata log handler")
struct DeferredMetadataLogHandlerTests {
    final class Lines: Sendable {
        let recorded = Mutex<[(message: String, metadata: Logger.Metadata)]>([])
    }

    /// Records what reaches the wrapped handler.
    struct Recorder: LogHandler {
        let lines: Lines
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .info
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let merged = metadata.merging(event.metadata ?? [:]) { _, explicit in explicit }
            lines.recorded.withLock { $0.append(("\(event.message)", merged)) }
        }
    }

    @Test func metadataSetOnTheLoggerReachesEachLineAndExplicitValuesWin() {
        let lines = Lines()
        var logger = Logger(label: "test") { _ in
            DeferredMetadataLogHandler(Recorder(lines: lines, metadata: ["from.base": "base"]))
        }
        logger.logLevel = .info
        logger[metadataKey: "hb.request.id"] = "42"
        logger[metadataKey: "shared"] = "logger"
        logger.info("first", metadata: ["shared": "explicit"])
        logger.debug("below the level")
        var copy = logger
        copy[metadataKey: "route"] = "/v1/decisions"
        copy.warning("second")
        logger.info("third")

        let seen = lines.recorded.withLock { $0 }
        #expect(seen.map(\.message) == ["first", "second", "third"])
        #expect(seen[0].metadata == ["from.base": "base", "hb.request.id": "42", "shared": "explicit"])
        #expect(seen[1].metadata["route"] == "/v1/decisions" && seen[1].metadata["hb.request.id"] == "42")
        #expect(seen[2].metadata["route"] == nil, "a copy's metadata stays with the copy")
        #expect(logger[metadataKey: "shared"] == "logger")
    }
}
