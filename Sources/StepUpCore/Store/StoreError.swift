/// Errors every store backend throws for the same conditions.
public struct StoreError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Code: Sendable, Hashable { case notFound, conflict, schemaTooNew, backend }
    private let code: Code
    public let reason: String

    private init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    public static func notFound(_ what: String) -> StoreError { StoreError(.notFound, "\(what) not found") }
    public static func conflict(_ what: String) -> StoreError { StoreError(.conflict, "\(what) already exists") }
    /// The database was written by a newer StepUp; refuse to touch it.
    public static func schemaTooNew(found: Int, supported: Int) -> StoreError {
        StoreError(.schemaTooNew, "database schema version \(found) is newer than this binary supports (\(supported)); upgrade StepUp")
    }
    public static func backend(_ reason: String) -> StoreError { StoreError(.backend, reason) }

    public var isNotFound: Bool { code == .notFound }
    public var isConflict: Bool { code == .conflict }
    public var isSchemaTooNew: Bool { code == .schemaTooNew }

    public var description: String { reason }
}
