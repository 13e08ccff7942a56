import Crypto
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import StepUpCore
import StepUpCrypto
import StepUpGeo
import StepUpStore

/// A configured StepUp: database open, policy loaded, secrets resolved. `serve()` runs it until SIGTERM/SIGINT.
public struct StepUpRuntime: Sendable {
    public let configuration: ServerConfiguration
    public let store: SQLStore
    public let service: StepUpService
    public let policy: PolicyHolder
    let lists: ReputationLists
    let cookieKey: SymmetricKey
    let metricsToken: String?
    /// The policy file's stamp when it was loaded (the watcher's baseline).
    let policyStamp: String
    let logger: Logger

    /// Opens the database (applying migrations), loads and validates the policy, resolves secrets.
    /// Throws a ``StartupError`` that says what to fix.
    /// `hashing`: see ``CredentialCrypto/init(sealer:passwords:totp:hashing:)``.
    public static func open(configuration: ServerConfiguration, logger: Logger,
                            environment: [String: String] = ProcessInfo.processInfo.environment,
                            hashing: HashingPool.Priority = .background) async throws
        -> StepUpRuntime
    {
        let secrets = try ResolvedSecrets(configuration: configuration, environment: environment)
        let lists = try Self.reputationLists(configuration)
        let policyStamp = PolicyReloader.stamp(configuration.policyFile)
        let policy = try PolicyLoader.load(path: configuration.policyFile,
                                           reputationLists: Set(configuration.network.reputationLists.keys))
        let store = try await Self.openStore(configuration, logger: logger, environment: environment)
        let holder = PolicyHolder(policy, reputationLists: Set(configuration.network.reputationLists.keys))
        let stores: Stores
        do {
            stores = try await store.cachedStores()
        } catch let error as StoreError {
            await store.shutdown()
            throw StartupError("cannot use database \(configuration.storage.databaseDescription): \(error.reason)")
        }
        let risk = RiskService(stores: stores, locator: try Self.locator(configuration), lists: lists,
                               settings: { holder.risk })
        let service = StepUpService(configuration: configuration, stores: stores, policy: holder,
                                    crypto: CredentialCrypto(sealer: secrets.sealer, passwords: configuration.passwords,
                                                             totp: configuration.totp, hashing: hashing),
                                    risk: risk, logger: logger)
        return StepUpRuntime(configuration: configuration, store: store, service: service, policy: holder,
                             lists: lists, cookieKey: secrets.cookieKey, metricsToken: secrets.metricsToken,
                             policyStamp: policyStamp, logger: logger)
    }

    /// PostgreSQL when `storage.postgres` is set, else the SQLite file.
    public static func openStore(_ configuration: ServerConfiguration, logger: Logger,
                                 environment: [String: String] = ProcessInfo.processInfo.environment) async throws
        -> SQLStore
    {
        do {
            if let postgres = configuration.storage.postgres {
                return try await SQLStore.openPostgres(settings: try postgres.resolved(environment: environment),
                                                       logger: logger)
            }
            return try await SQLStore.openSQLite(path: configuration.storage.sqlitePath, logger: logger,
                                                 synchronous: configuration.storage.synchronous)
        } catch let error as StoreError {
            throw StartupError("cannot use database \(configuration.storage.databaseDescription): \(error.reason)")
        }
    }

    /// The `.mmdb` reader, then the range files, chained: the first that knows the address answers.
    static func locator(_ configuration: ServerConfiguration) throws -> (any GeoLocator)? {
        var locators: [any GeoLocator] = []
        if let path = configuration.network.geoipDatabase {
            do {
                locators.append(try MMDBReader(path: path))
            } catch {
                throw StartupError("network.geoip_database \(path): \(error)")
            }
        }
        if !configuration.network.geoipRanges.isEmpty {
            do {
                locators.append(try CountryRangeLocator(files: configuration.network.geoipRanges))
            } catch {
                throw StartupError("network.geoip_ranges: \(error)")
            }
        }
        switch locators.count {
        case 0: return nil
        case 1: return locators[0]
        default: return ChainedGeoLocator(locators)
        }
    }

    static func reputationLists(_ configuration: ServerConfiguration) throws -> ReputationLists {
        let lists = ReputationLists(sources: configuration.network.reputationLists.sorted { $0.key < $1.key }
            .map { ReputationLists.Source(name: $0.key, path: $0.value) })
        let report = lists.reload()
        if let (name, reason) = report.failed.sorted(by: { $0.key < $1.key }).first {
            throw StartupError("network.reputation_lists.\(name): \(reason)")
        }
        return lists
    }

    /// The OpenID Provider on this runtime's database (clients, keys and tokens live there).
    public var oidc: OIDCProvider { OIDCProvider(service: service, store: store) }

    /// Serves HTTP until a termination signal, reloading the policy on SIGHUP and on file change.
    /// - Parameter onListening: called with the bound address, e.g. `http://127.0.0.1:8080`.
    public func serve(onListening: @escaping @Sendable (String) -> Void = { _ in }) async throws {
        let reloader = PolicyReloader(path: configuration.policyFile, lists: lists, service: service, logger: logger,
                                      loadedStamp: policyStamp)
        let host = configuration.http.host
        let gateway = GatewayClient(configuration.gateway)
        let oidc = self.oidc  // one provider (and one key cache) for the router and the WebSocket upgrades
        var app = Application(
            router: try StepUpApplication.router(service: service, cookieKey: cookieKey, metricsToken: metricsToken,
                                                 roundTrips: { [store] in
                                                     StoreActivity(reads: store.roundTrips.reads,
                                                                   writes: store.roundTrips.writes,
                                                                   commits: store.commits.transactions,
                                                                   synchronous: store.synchronous.rawValue)
                                                 }, gateway: gateway, oidc: oidc,
                                                 writeProbe: { [store] in try await store.probeWrite() }),
            server: try StepUpApplication.server(service: service, oidc: oidc),
            configuration: .init(address: .hostname(host, port: configuration.http.port), serverName: "StepUp"),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                onListening("http://\(host.contains(":") ? "[\(host)]" : host):\(port)")
            },
            logger: logger
        )
        app.addServices(reloader)
        app.addServices(Housekeeper(maintenance: store, service: service, logger: logger))
        // Out-of-band messages (e-mail codes) leave through the outbox, sent in the background.
        app.addServices(try OutboxDispatcher.make(service: service, logger: logger))
        if let gateway { app.addServices(gateway) }
        try await BoundedShutdown.run(app, timeout: .seconds(configuration.http.shutdownTimeout), logger: logger)
        await store.shutdown()
        logger.info("stopped")
    }
}

/// A startup problem with the remedy in its message.
public struct StartupError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
