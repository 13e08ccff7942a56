import Foundation
import NIOCore
import StepUpCore
import Synchronization

/// Read caches in front of a database's stores, for what every decision reads: sessions, users, devices, risk
/// history, address rules, failure counters, and the factors a user has enrolled.
///
/// **Coherence.** Every change to a cached table is logged in the database by trigger, in the changing
/// transaction, with a version that orders the changes (``ChangeFeed``). A request calls ``synchronize()``
/// once at its start: it reads the changes after the last version this process saw (one indexed read) and
/// drops what they name; on PostgreSQL concurrent requests share such reads (``SharedFeedReads``). So a change acknowledged by any process — this one, the CLI, another instance on the
/// same database — is seen by every request that starts after the acknowledgement. Writes made through this
/// value also drop their entries at once, after they commit.
///
/// **Fill races.** A miss reads the database and then fills the entry, unless anything was dropped meanwhile
/// (a generation counter): a value read before a change can never be cached after that change's drop.
///
/// **Bounds.** Each map holds at most ``limit`` entries; one that would grow past it is emptied.
public final class CachedStores: Sendable {
    public static let limit = 10_000
    /// Failure times kept per counter key; a key with more is counted by the database.
    static let failureLimit = 1_000

    /// A database read of one entry, and the generation it started at.
    struct Load {
        var generation: UInt64
        var task: Task<any Sendable, any Error>
    }

    struct FailureWindow {
        var since: Date
        var times: [Date]
    }

    struct State {
        var seenVersion: Int64
        var generation: UInt64 = 0
        var sessionsByToken: [String: Session] = [:]
        var tokenBySession: [String: String] = [:]
        var users: [String: UserRecord] = [:]
        var devices: [String: [String: DeviceRecord?]] = [:]
        var risk: [String: Data?] = [:]
        var addressRules: [AddressRule]?
        var failures: [String: FailureWindow] = [:]
        var factors: [String: [FactorRecord]] = [:]
        var recoveryCodes: [String: [RecoveryCodeRecord]] = [:]
        /// Loads under way, by entry (see ``cached(_:key:load:fill:)``).
        var loads: [String: Load] = [:]
        /// The last activity time each session's latest write (under way or done) stored, by session id (see
        /// ``touchSession(id:at:)``).
        var touches: [String: Date] = [:]

        mutating func clear() {
            sessionsByToken = [:]
            tokenBySession = [:]
            users = [:]
            devices = [:]
            risk = [:]
            addressRules = nil
            failures = [:]
            factors = [:]
            recoveryCodes = [:]
        }

        mutating func drop(_ change: CacheChange) {
            switch change.entity {
            case "session": dropSession(id: change.key)
            case "user": users[change.key] = nil
            case "device": devices[change.key] = nil
            case "risk": risk[change.key] = nil
            case "address": addressRules = nil
            case "throttle": failures[change.key] = nil
            case "factors":
                factors[change.key] = nil
                recoveryCodes[change.key] = nil
            default: clear()
            }
        }

        mutating func dropSession(id: String) {
            if let token = tokenBySession.removeValue(forKey: id) { sessionsByToken[token] = nil }
        }
    }

    let backend: Stores
    let feed: any ChangeFeed
    let state: Mutex<State>
    /// Shares feed reads among concurrent requests when the feed asks for it.
    let sharedReads: SharedFeedReads?

    /// Caches in front of `backend`, coherent through `feed` (both usually the same ``SQLStore``).
    public init(backend: Stores, feed: any ChangeFeed) async throws {
        self.backend = backend
        self.feed = feed
        self.sharedReads = feed.sharesReads ? SharedFeedReads() : nil
        self.state = Mutex(State(seenVersion: try await feed.latestChangeVersion()))
    }

    /// The backend's stores with the cached ones in front.
    public var stores: Stores {
        var stores = backend
        stores.credentials = self
        stores.factors = self
        stores.recoveryCodes = self
        stores.sessions = self
        stores.devices = self
        stores.throttle = self
        stores.riskHistory = self
        stores.addressRules = self
        stores.coherence = self
        return stores
    }

    /// Looks `lookup` up; on a miss loads, and fills with `fill` unless something was dropped meanwhile.
    ///
    /// With a `key`, concurrent misses of one entry share one load: a miss joins a load of the same key that started
    /// at the current generation — nothing was dropped since it began, so it reads what a new load would — and
    /// starts its own otherwise. After an entry is dropped (a sign-in changed the user's risk history, say), every
    /// request in flight for it used to read it from the database at once.
    func cached<Value: Sendable>(_ lookup: (inout State) -> Value?, key: String? = nil,
                                 load: @escaping @Sendable () async throws -> Value,
                                 fill: (inout State, Value) -> Void) async throws -> Value {
        let plan: CachePlan<Value> = state.withLock { state in
            if let hit = lookup(&state) { return .hit(hit) }
            guard let key else { return .own(generation: state.generation, shared: nil) }
            if let running = state.loads[key], running.generation == state.generation { return .join(running.task) }
            let task = Task<any Sendable, any Error> { try await load() }
            state.loads[key] = Load(generation: state.generation, task: task)
            return .own(generation: state.generation, shared: task)
        }
        switch plan {
        case .hit(let value):
            return value
        case .join(let task):
            return try await Self.value(of: task)
        case .own(let generation, let shared):
            let value: Value
            if let shared, let key {
                defer { state.withLock { if $0.loads[key]?.task == shared { $0.loads[key] = nil } } }
                value = try await Self.value(of: shared)
            } else {
                value = try await load()
            }
            state.withLock { state in
                if state.generation == generation { fill(&state, value) }
            }
            return value
        }
    }

    /// What a lookup found: the value, a load to join, or a load of its own (shared when keyed).
    enum CachePlan<Value> {
        case hit(Value)
        case join(Task<any Sendable, any Error>)
        case own(generation: UInt64, shared: Task<any Sendable, any Error>?)
    }

    private static func value<Value>(of task: Task<any Sendable, any Error>) async throws -> Value {
        guard let value = try await task.value as? Value else {
            throw StoreError.backend("a shared cache load returned an unexpected type")
        }
        return value
    }

    /// Runs a write on the backend, then drops what it may have changed (also when it failed half-way).
    func write<Value>(dropping drop: (inout State) -> Void, _ body: () async throws -> Value) async throws -> Value {
        defer { self.drop(drop) }
        return try await body()
    }

    func drop(_ drop: (inout State) -> Void) {
        state.withLock { state in
            state.generation &+= 1
            drop(&state)
        }
    }
}

extension CachedStores: CacheCoherence {
    public func synchronize() async throws {
        if let sharedReads {
            try await sharedReads.run { self.startFeedRead() }
        } else {
            try await readFeed()
        }
    }

    /// ``readFeed()`` started now, for ``SharedFeedReads``: on the feed's own connection when it can have it at
    /// once, otherwise in a task (through the pool).
    private func startFeedRead() -> EventLoopFuture<Void> {
        let seen = state.withLock { $0.seenVersion }
        if let started = feed.startChanges(after: seen) { return started.map { self.apply($0) } }
        let promise = SharedFeedReads.eventLoop.makePromise(of: Void.self)
        promise.completeWithTask { try await self.readFeed() }
        return promise.futureResult
    }

    /// Reads the changes after the version last seen and drops what they name.
    private func readFeed() async throws {
        let seen = state.withLock { $0.seenVersion }
        apply(try await feed.changes(after: seen))
    }

    /// Drops what a read of the feed names.
    private func apply(_ batch: CacheChanges) {
        guard !batch.changes.isEmpty || !batch.complete else { return }
        state.withLock { state in
            state.generation &+= 1
            if batch.complete {
                for change in batch.changes { state.drop(change) }
            } else {
                state.clear()
            }
            state.seenVersion = max(state.seenVersion, batch.changes.last?.version ?? state.seenVersion)
        }
    }
}

/// Inserts `value` under `key`, emptying the map first when it is full.
func boundedInsert<Key: Hashable, Value>(_ map: inout [Key: Value], _ key: Key, _ value: Value) {
    if map[key] == nil, map.count >= CachedStores.limit { map = [:] }
    map[key] = value
}
