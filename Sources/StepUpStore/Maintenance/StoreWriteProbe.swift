import Foundation

/// Proves the database accepts writes right now, for `/readyz`: a database that can be read but not written
/// (disk full, read-only file or directory, lost lock) is not ready.
public protocol StoreWriteProbe: Sendable {
    /// Commits a write that changes nothing; throws when the write or its commit fails.
    func probeWrite() async throws
}
