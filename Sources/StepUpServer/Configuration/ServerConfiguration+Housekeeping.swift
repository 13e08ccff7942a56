import Foundation

extension ServerConfiguration {
    /// The background pruning of expired sessions, challenges, failure records and spent budget units (nonces).
    public struct Housekeeping: Sendable {
        /// Seconds between two prunes (the first runs at start).
        public var interval: TimeInterval = 300
        /// Rows are pruned this many seconds after they ended. Failure records and budget units are kept at least
        /// as long as the longest window that counts them (`login.failure_window_seconds`, the 15-minute
        /// wrong-code window), whatever this says.
        public var retention: TimeInterval = 3_600
        public init() {}
    }
}
