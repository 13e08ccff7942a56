import Foundation
@testable import StepUpStore
import Synchronization
import Testing

/// The SQLite change feed reads on several connections at once; a read shared between requests must still have
/// started after each request arrived, so a change another process committed before a request is never missed.
@Suite("SQLite change feed on several connections", .timeLimit(.minutes(5)))
struct SQLiteChangeFeedTests {
    @Test func concurrentReadersSeeEveryChangeCommittedBeforeTheyAsked() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("feed.sqlite").path
            let store = try await SQLStore.openSQLite(path: path)
            let feed = try #require(store.feed as? SQLiteChangeFeed)
            #expect(feed.connectionCount >= 2, "one connection per event loop, at least two")
            // Another process: its own connection logs changes the way the triggers do.
            let other = try RawSQLiteConnection(path: path, busyTimeoutMilliseconds: 5_000, tuning: SQLiteTuning())
            let base = try feed.latestVersion()
            let acknowledged = Atomic<Int64>(base)
            let finished = Atomic<Bool>(false)
            let problems = Mutex<[String]>([])
            let reads = Atomic<Int>(0)
            let readers = (0..<4).map { _ in
                let thread = Thread {
                    while !finished.load(ordering: .acquiring) {
                        let before = acknowledged.load(ordering: .acquiring)
                        do {
                            let found = try feed.changes(after: base)
                            reads.add(1, ordering: .relaxed)
                            let newest = found.changes.last?.version ?? base
                            let dense = found.changes.enumerated().allSatisfy { $0.element.version == base + 1 + Int64($0.offset) }
                            if !found.complete || !dense || newest < before {
                                problems.withLock { $0.append("asked after \(before), read up to \(newest)") }
                            }
                        } catch {
                            problems.withLock { $0.append("\(error)") }
                        }
                    }
                }
                thread.start()
                return thread
            }
            for index in 1...300 {
                try other.execute("BEGIN IMMEDIATE")
                for statement in CacheFeedSQL.statements(entity: "'user'", key: "'usr_\(index)'") {
                    try other.execute(statement)
                }
                try other.execute("COMMIT")
                acknowledged.store(base + Int64(index), ordering: .releasing)
                if index % 50 == 0 { try await Task.sleep(for: .milliseconds(5)) }
            }
            try await Task.sleep(for: .milliseconds(20))
            finished.store(true, ordering: .releasing)
            while readers.contains(where: { !$0.isFinished }) { try await Task.sleep(for: .milliseconds(5)) }
            other.close()
            await store.shutdown()
            let stale = problems.withLock { $0 }
            #expect(stale.count == 0, "\(stale.count) reads missed a change committed before they asked: \(stale.prefix(3))")
            #expect(reads.load(ordering: .relaxed) > 300)
        }
    }
}
