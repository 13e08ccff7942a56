import Foundation
import StepUpCore
@testable import StepUpStore
import Synchronization
import StepUpTestSupport
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
        let memory = try RawSQLiteConnection(path: ":memory:", busyTimeoutMilliseconds: 0, tuning: SQLiteTuning())
        #expect(WALIndexWatch(connection: memory) == nil)
        memory.close()
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("plain.sqlite").path
            let store = try await SQLStore.openSQLite(path: path)
            let connection = try RawSQLiteConnection(path: path, busyTimeoutMilliseconds: 5_000, tuning: SQLiteTuning())
            let feed = SQLiteChangeFeed(connections: [connection])
            let base = try feed.latestVersion()
            for _ in 0..<10 { _ = try feed.changes(after: base) }
            #expect(feed.reads == 10)
            feed.close()
            // A retired watch (its feed closing) no longer reads the mapping: SQLite unmaps it with the last
            // connection.
            let watching = try RawSQLiteConnection(path: path, busyTimeoutMilliseconds: 5_000, tuning: SQLiteTuning())
            let watch = try #require(WALIndexWatch(connection: watching))
            let counter = try #require(watch.changeCounter)
            _ = try await store.append(AuditEventDraft(type: "test.commit", at: Date()))
            #expect(watch.changeCounter == counter &+ 1, "one commit, one count")
            watch.retire()
            #expect(watch.changeCounter == nil)
            watching.close()
            await store.shutdown()
        }
    }

    /// SQLite marks a WAL index in use with a POSIX lock on its `-shm` file (byte 128, shared by every process
    /// using it), and the first process to open the database while nobody holds that lock truncates the file.
    /// POSIX locks belong to the process, and closing any descriptor of a file drops them all: the watch once
    /// mapped the `-shm` file through a descriptor of its own and closed it, which dropped SQLite's lock, and a
    /// `stepup backup` or `sqlite3` run beside the server truncated the file under its mapping (`SIGBUS`).
    /// Attacked from another process: the lock must stay held while the store is open, and the store must keep
    /// reading and writing after other processes opened and closed the database.
    @Test func anotherProcessNeverFindsTheWALIndexUnused() async throws {
        guard TestTools.require("python3"), TestTools.require("sqlite3", install: "apt-get install sqlite3") else { return }
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("locked.sqlite").path
            let store = try await SQLStore.openSQLite(path: path)
            let feed = try #require(store.feed as? SQLiteChangeFeed)
            #expect(feed.watchesTheWALIndex, "the feed watches the WAL index of a file database")
            let base = try feed.latestVersion()
            _ = try await store.append(AuditEventDraft(type: "test.before", at: Date()))
            _ = try feed.changes(after: base)
            let probe = """
                import fcntl, os, sys
                fd = os.open(sys.argv[1], os.O_RDWR)
                try:
                    fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, 128)
                    print("free")
                except OSError:
                    print("held")
                """
            for round in 0..<3 {
                let answer = String(decoding: try TestTools.run("python3", ["-c", probe, path + "-shm"]), as: UTF8.self)
                #expect(answer.trimmingCharacters(in: .whitespacesAndNewlines) == "held",
                        "round \(round): another process found the WAL index unused while the store has it open")
                // Another process opens and closes the database: with the lock dropped, it would truncate the index.
                let count = String(decoding: try TestTools.run("sqlite3", [path, "SELECT count(*) FROM audit_events"]),
                                   as: UTF8.self)
                #expect(Int(count.trimmingCharacters(in: .whitespacesAndNewlines)) == round + 1)
                _ = try await store.append(AuditEventDraft(type: "test.after", at: Date()))
                #expect(try feed.changes(after: base).complete)
            }
            #expect(try await store.verifyAuditChain() == AuditChainReport(checkedEvents: 4))
            await store.shutdown()
        }
    }
}
