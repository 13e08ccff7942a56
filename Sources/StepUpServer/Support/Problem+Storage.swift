import Foundation
import HTTPTypes
import StepUpCore

extension Problem {
    /// Seconds a client is told to wait after a storage failure.
    static let storageRetrySeconds = 5

    /// The database failed (disk full, read-only, I/O error, unreachable): nothing was changed, the request can
    /// be repeated later. 503 with `Retry-After`, never a generic 500.
    static let storageUnavailable = Problem(
        .serviceUnavailable, type: "storage-unavailable", title: "Storage unavailable",
        detail: "the database cannot be written or read right now; nothing was changed, retry in "
            + "\(storageRetrySeconds) seconds",
        extra: ["retry_after": .int(storageRetrySeconds)],
        headers: [.retryAfter: String(storageRetrySeconds)]
    )
}
