import Logging

/// A log handler that formats its metadata only when it writes a line.
///
/// swift-log's `StreamLogHandler` renders its metadata into text every time a value is set, and Hummingbird sets
/// one (`hb.request.id`) on every request's logger: at warning level, where nothing is written, that rendering
/// was a few microseconds of every request. This handler keeps the values and hands them to the wrapped
/// handler with each event, so the output is the wrapped handler's, unchanged.
public struct DeferredMetadataLogHandler: LogHandler {
    private var base: any LogHandler
    public var metadata: Logger.Metadata = [:]

    public init(_ base: any LogHandler) {
        self.base = base
        self.metadata = base.metadata
        self.base.metadata = [:]
    }

    /// Standard error in swift-log's stream format.
    public static func standardError(label: String) -> DeferredMetadataLogHandler {
        DeferredMetadataLogHandler(StreamLogHandler.standardError(label: label))
    }

    public var logLevel: Logger.Level {
        get { base.logLevel }
        set { base.logLevel = newValue }
    }

    public var metadataProvider: Logger.MetadataProvider? {
        get { base.metadataProvider }
        set { base.metadataProvider = newValue }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var event = event
        if !metadata.isEmpty {
            event.metadata = metadata.merging(event.metadata ?? [:]) { _, explicit in explicit }
        }
        base.log(event: event)
    }
}
