import Crypto
import Foundation
import Logging
import StepUpCore
import StepUpCrypto
import StepUpStore
import Synchronization
import Testing
@testable import StepUpServer

/// Issue #9: decisions read sessions, users, devices and address rules from caches, yet a logout, a disabled
/// user, a revoked device or a blocking address rule takes effect on the very next request. 50 requests run
/// while the change is made; none that *started* after the change was acknowledged may get through. On every
/// backend, and — for SQLite — with the change made by another process (a second store on the same file, as
/// the CLI or another instance would).
@Suite("Cache coherence under racing requests", .timeLimit(.minutes(5)))
struct CacheCoherenceRaceTests {
    enum Writer: String, CaseIterable, CustomTestStringConvertible, Sendable {
        /// In memory: no cache, the stores themselves.
        case memory
        /// SQLite behind the caches, the change made through this server.
        case sqliteSameProcess
        /// SQLite behind the caches, the change made by another store on the file (the CLI, another instance).
        case sqliteOtherProcess

        var testDescription: String { rawValue }
    }

    enum Change: String, CaseIterable, CustomTestStringConvertible, Sendable {
        case logout
        case disableUser
        case blockAddress
        case revokeDevice

        var testDescription: String { rawValue }
    }

    @Test(arguments: Writer.allCases, Change.allCases)
    func nothingStartedAfterTheChangeGetsThrough(_ writer: Writer, _ change: Change) async throws {
        try await RaceBed.with(writer) { bed in
            let signedIn = try await bed.service.login(LoginAttempt(username: "alice", password: RaceBed.password),
                                                       client: bed.client)
            #expect(signedIn.stepUp == nil)
            // Warm the caches first: the point is what a *cached* entry does when the change lands.
            for _ in 0..<3 { #expect(try await bed.attempt(token: signedIn.token).authenticated) }
            let race = RaceLedger()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<50 {
                    group.addTask {
                        for _ in 0..<40 {
                            let startedAfter = race.acknowledged.load(ordering: .acquiring)
                            let verdict = try await bed.attempt(token: signedIn.token)
                            race.tally.withLock { tally in
                                if startedAfter {
                                    tally.after += 1
                                    if let leak = verdict.leak(after: change) { tally.violations.append(leak) }
                                } else {
                                    tally.before += 1
                                }
                            }
                            await Task.yield()
                        }
                    }
                }
                group.addTask {
                    try await Task.sleep(for: .milliseconds(30))
                    try await bed.make(change, session: signedIn.session)
                    race.acknowledged.store(true, ordering: .releasing)
                }
                try await group.waitForAll()
            }
            let result = race.tally.withLock { $0 }
            #expect(result.before > 0 && result.after > 0, "the change must land mid-run: \(result.before)/\(result.after)")
            #expect(result.violations.isEmpty, "requests started after the change got through: \(result.violations.prefix(3))")
        }
    }
}

/// Whether the change is acknowledged, and what requests started before and after it got.
final class RaceLedger: Sendable {
    let acknowledged = Atomic<Bool>(false)
    let tally = Mutex((before: 0, after: 0, violations: [String]()))
}

/// What one request got.
struct RaceVerdict: Sendable {
    var authenticated: Bool
    var outcome: Decision.Outcome?
    var signals: [String]

    /// Why this answer, to a request started after `change`, shows the change was missed.
    func leak(after change: RaceBed.Change) -> String? {
        switch change {
        case .logout, .disableUser:
            return authenticated ? "authenticated (\(outcome?.rawValue ?? "-"))" : nil
        case .blockAddress:
            return authenticated && outcome != .deny ? "not denied: \(outcome?.rawValue ?? "-")" : nil
        case .revokeDevice:
            return authenticated && !signals.contains("new_device") ? "device still known: \(signals)" : nil
        }
    }
}

/// A service over one backend, plus the stores a second process would write with.
struct RaceBed: Sendable {
    typealias Change = CacheCoherenceRaceTests.Change
    static let password = "correct horse battery"

    let service: StepUpService
    /// Where changes are made: the service's own stores, or another store on the same file.
    let writer: Stores
    let client = ClientInfo(ip: "203.0.113.7", userAgent: "race", deviceID: "dv_race_device")

    static func with(_ kind: CacheCoherenceRaceTests.Writer, _ body: (RaceBed) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("stepup-race-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let configuration = ServerConfiguration.cheapPasswords
        let path = directory.appendingPathComponent("stepup.sqlite").path
        var opened: [SQLStore] = []
        defer { for store in opened { Task { await store.shutdown() } } }
        let stores: Stores
        let writer: Stores
        switch kind {
        case .memory:
            stores = MemoryStore().stores
            writer = stores
        case .sqliteSameProcess, .sqliteOtherProcess:
            let store = try await SQLStore.openSQLite(path: path)
            opened.append(store)
            stores = try await store.cachedStores()
            if kind == .sqliteOtherProcess {
                let other = try await SQLStore.openSQLite(path: path)
                opened.append(other)
                writer = other.stores
            } else {
                writer = stores
            }
        }
        let holder = PolicyHolder(try Policy.load(yaml: Policy.demoYAML, file: "demo.yaml"))
        let key = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0).base64EncodedString() }
        let crypto = CredentialCrypto(sealer: SecretSealer(keyring: try SecretKeyring(parsing: "k1:\(key)")),
                                      passwords: configuration.passwords, totp: configuration.totp)
        var quiet = Logger(label: "race")
        quiet.logLevel = .error
        let risk = RiskService(stores: stores, settings: { holder.current.risk })
        let service = StepUpService(configuration: configuration, stores: stores, policy: holder, crypto: crypto,
                                    risk: risk, logger: quiet)
        _ = try await service.createUser(username: "alice", password: password, roles: ["customer"])
        try await body(RaceBed(service: service, writer: writer))
        for store in opened { await store.shutdown() }
        opened = []
    }

    /// One request as the API serves it: authenticate the bearer token, then decide.
    func attempt(token: String) async throws -> RaceVerdict {
        guard let (session, user) = try await service.authenticate(token: token) else {
            return RaceVerdict(authenticated: false, outcome: nil, signals: [])
        }
        let outcome = try await service.decide(session: session, user: user,
                                               request: ActionRequest(action: "bank.balance.view"),
                                               grantID: nil, client: client)
        return RaceVerdict(authenticated: true, outcome: outcome.decision.outcome,
                           signals: outcome.decision.risk.signals.map(\.name))
    }

    /// Makes `change` and returns once it is acknowledged (committed).
    func make(_ change: Change, session: Session) async throws {
        switch change {
        case .logout: try await writer.sessions.revokeSession(id: session.id, at: Date())
        case .disableUser: try await writer.credentials.setDisabled(userID: session.userID, true)
        case .blockAddress:
            try await writer.addressRules.setAddressRule(
                AddressRule(cidr: "203.0.113.0/24", verdict: .blocked, note: "race", createdAt: Date()))
        case .revokeDevice: try await writer.devices.revokeDevice(userID: session.userID, deviceID: "dv_race_device")
        }
    }
}
