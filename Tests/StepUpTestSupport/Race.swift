/// Runs `count` copies of `operation` at once (index 0 ..< count) and returns their results, in completion order:
/// the racing requests of the concurrency tests.
public func race<R: Sendable>(_ count: Int, _ operation: @escaping @Sendable (Int) async throws -> R) async throws
    -> [R]
{
    try await withThrowingTaskGroup(of: R.self) { group in
        for index in 0..<count { group.addTask { try await operation(index) } }
        var results: [R] = []
        for try await result in group { results.append(result) }
        return results
    }
}
