import Foundation
import StepUpCore
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

    /// While no transaction commits (the WAL index's counter stands still), requests trust the last read and the
    /// database is not read at all; any commit, by any connection, makes the next request read, and a change
    /// another process logged is seen by the very next request.
    @Test func aQuietDatabaseIsNotReadAgainAndAnyCommitIsNoticed() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("quiet.sqlite").path
            let store = try await SQLStore.openSQLite(path: path)
            let feed = try #require(store.feed as? SQLiteChangeFeed)
            let other = try RawSQLiteConnection(path: path, busyTimeoutMilliseconds: 5_000, tuning: SQLiteTuning())
            let base = try feed.latestVersion()
            _ = try feed.changes(after: base)
            let readsBefore = feed.reads
            for _ in 0..<100 { #expect(try feed.changes(after: base).changes.isEmpty) }
            #expect(feed.reads == readsBefore, "a quiet database was read \(feed.reads - readsBefore) times")

            // A commit that logs no change (another process's unrelated write): the next request reads once more.
            try other.execute("CREATE TABLE IF NOT EXISTS unrelated (x INTEGER)")
            try other.execute("INSERT INTO unrelated VALUES (1)")
            #expect(try feed.changes(after: base).changes.isEmpty)
            #expect(feed.reads == readsBefore + 1, "a commit went unnoticed")
            _ = try feed.changes(after: base)
            #expect(feed.reads == readsBefore + 1)

            // A logged change, committed by another process: the very next request sees it.
            try other.execute("BEGIN IMMEDIATE")
            for statement in CacheFeedSQL.statements(entity: "'user'", key: "'usr_quiet'") {
                try other.execute(statement)
            }
            try other.execute("COMMIT")
            let found = try feed.changes(after: base)
            #expect(found.changes.map(\.key) == ["usr_quiet"])
            #expect(feed.reads == readsBefore + 2)
            other.close()
            await store.shutdown()
        }
    }

    /// Without a WAL index to watch (an in-memory database has none), every request that arrives after the last
    /// read began reads again, as before.
    @Test func withoutAWALIndexEveryRequestReads() async throws {
        #expect(WALIndexWatch(database: "/nonexistent/stepup.sqlite") == nil)
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("plain.sqlite").path
            let store = try await SQLStore.openSQLite(path: path)
            let connection = try RawSQLiteConnection(path: path, busyTimeoutMilliseconds: 5_000, tuning: SQLiteTuning())
            let feed = SQLiteChangeFeed(connections: [connection])
            let base = try feed.latestVersion()
            for _ in 0..<10 { _ = try feed.changes(after: base) }
            #expect(feed.reads == 10)
            feed.close()
            // A retired watch (its feed closing) no longer reads the mapping: the next opener may truncate it.
            let watch = try #require(WALIndexWatch(database: path))
            let counter = try #require(watch.changeCounter)
            _ = try await store.append(AuditEventDraft(type: "test.commit", at: Date()))
            #expect(watch.changeCounter == counter &+ 1, "one commit, one count")
            watch.retire()
            #expect(watch.changeCounter == nil)
            await store.shutdown()
        }
    }
}
