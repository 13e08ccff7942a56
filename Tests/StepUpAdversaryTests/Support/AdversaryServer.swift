import AsyncHTTPClient
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import NIOHTTP1
import StepUpCore
import StepUpCrypto
import StepUpStore
import Synchronization
import Testing
@testable import StepUpServer

/// StepUp as an attacker meets it: the real router over a real socket (AsyncHTTPClient as the client), a real
/// SQLite file, light Argon2 parameters, and a clock the test moves. Requests claim client addresses with
/// `X-Forwarded-For`, which the server believes because 127.0.0.1 is configured as a trusted proxy.
struct AdversaryServer: Sendable {
    let service: StepUpService
    let store: SQLStore
    let clock: Clock
    let directory: URL
    let cookieKey = SymmetricKey(size: .bits256)
    static let metricsToken = "metrics-token-for-tests-0123456789"

    /// The OpenID Provider on this server's database, as `stepup serve` runs it.
    var oidc: OIDCProvider { OIDCProvider(service: service, store: store) }

    /// A clock tests advance explicitly.
    final class Clock: Sendable {
        private let value = Mutex(Date(timeIntervalSince1970: 1_800_000_000))
        var now: Date { value.withLock { $0 } }
        func advance(_ seconds: TimeInterval) { value.withLock { $0 = $0.addingTimeInterval(seconds) } }
    }

    /// Starts a server on `policyYAML`; `configure` adjusts the configuration first. `hashing`: the hashing pool's
    /// priority (a test that must see the pool's threads take jobs up at once needs `.normal`: a loaded machine
    /// may give idle-priority threads nothing for minutes).
    static func with<R: Sendable>(policyYAML: String = Policy.demoYAML, locator: (any GeoLocator)? = nil,
                        hashing: HashingPool.Priority = .background,
                        configure: (inout ServerConfiguration) -> Void = { _ in },
                        _ body: @escaping @Sendable (AdversaryServer, Wire) async throws -> R)
        async throws -> R
    {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("stepup-adversary-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var configuration = ServerConfiguration.cheapPasswords
        configuration.network.trustedProxies = ["127.0.0.1", "::1"]
        let policyFile = directory.appendingPathComponent("policy.yaml")
        try policyYAML.write(to: policyFile, atomically: true, encoding: .utf8)
        configuration.policyFile = policyFile.path
        configuration.storage.sqlitePath = directory.appendingPathComponent("stepup.sqlite").path
        configure(&configuration)
        let store = try await SQLStore.openSQLite(path: configuration.storage.sqlitePath)
        let clock = Clock()
        let holder = PolicyHolder(try Policy.load(yaml: policyYAML, file: policyFile.path))
        let key = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0).base64EncodedString() }
        let crypto = CredentialCrypto(sealer: SecretSealer(keyring: try SecretKeyring(parsing: "k1:\(key)")),
                                      passwords: configuration.passwords, totp: configuration.totp,
                                      hashing: hashing)
        var quiet = Logger(label: "adversary")
        quiet.logLevel = .error
        // The stores a real server runs with: SQLite behind the coherent read caches.
        let stores = try await store.cachedStores()
        let risk = RiskService(stores: stores, locator: locator, settings: { holder.current.risk })
        let service = StepUpService(configuration: configuration, stores: stores, policy: holder,
                                    crypto: crypto, risk: risk, logger: quiet,
                                    now: { clock.now })
        let server = AdversaryServer(service: service, store: store, clock: clock, directory: directory)
        let gateway = GatewayClient(configuration.gateway)
        let app = Application(router: try StepUpApplication.router(service: service, cookieKey: server.cookieKey,
                                                                   metricsToken: Self.metricsToken, gateway: gateway,
                                                                   oidc: server.oidc))
        do {
            let result = try await app.test(.live) { client in
                // Our own client: it never follows redirects, so tests see every Location header.
                // Racing tests send dozens of requests at once; a loaded CI machine answers them slowly. Enough
                // connections for every racer, and waits long enough not to mistake load for a failure.
                var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow)
                configuration.connectionPool = .init(idleTimeout: .seconds(60),
                                                     concurrentHTTP1ConnectionsPerHostSoftLimit: 128)
                configuration.timeout = .init(connect: .seconds(60), read: .seconds(120))
                let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
                do {
                    let result = try await body(server, Wire(base: "http://127.0.0.1:\(client.port ?? 0)", http: http))
                    try await http.shutdown()
                    return result
                } catch {
                    try await http.shutdown()
                    throw error
                }
            }
            try? await gateway?.shutdown()
            await store.shutdown()
            return result
        } catch {
            try? await gateway?.shutdown()
            await store.shutdown()
            throw error
        }
    }

    /// Creates `name` with a password and, unless `totp` is false, an active authenticator app; returns the
    /// TOTP secret.
    @discardableResult
    func user(_ name: String = "alice", password: String = "correct horse battery", roles: [String] = ["customer"],
              totp: Bool = true) async throws -> [UInt8]? {
        let user = try await service.createUser(username: name, password: password, roles: roles)
        guard totp else { return nil }
        let enrollment = try await service.startTOTPEnrollment(user: user, client: ClientInfo(ip: "127.0.0.1"))
        try await store.activateFactor(id: enrollment.factorID)
        return try Base32.decode(enrollment.secret)
    }

    /// The TOTP code at the test clock, `steps` time steps from now.
    func code(_ secret: [UInt8], steps: Int = 0) -> String {
        (try? TOTP(secret: secret))?.code(at: clock.now.addingTimeInterval(Double(steps * 30))) ?? "000000"
    }

    func audit(_ type: String) async throws -> [AuditEvent] {
        try await store.auditEvents(after: 0, limit: 10_000).filter { $0.event.type == type }
    }
}

/// One HTTP answer.
struct Reply: Sendable {
    var status: HTTPResponse.Status
    var headers: HTTPFields
    var text: String
    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
    }
    var problemType: String? { (json["type"] as? String)?.components(separatedBy: "/").last }
}

/// A client on the server's real socket (AsyncHTTPClient, redirects not followed).
struct Wire: Sendable {
    let base: String
    let http: HTTPClient

    /// Sends a request as the client at `ip` (through the trusted proxy).
    func send(_ method: HTTPRequest.Method, _ uri: String, token: String? = nil, json: Any? = nil,
              form: [String: String]? = nil, cookies: [String: String] = [:], ip: String = "203.0.113.7",
              headers extra: [String: String] = [:]) async throws -> Reply {
        var request = HTTPClientRequest(url: base + uri)
        request.method = .RAW(value: method.rawValue)
        request.headers.add(name: "X-Forwarded-For", value: ip)
        for (name, value) in extra { request.headers.add(name: name, value: value) }
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if !cookies.isEmpty {
            request.headers.add(name: "Cookie",
                                value: cookies.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: "; "))
        }
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: json)))
        } else if let form {
            request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
            let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
            request.body = .bytes(ByteBuffer(string: form.map {
                "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")"
            }.sorted().joined(separator: "&")))
        }
        let response = try await http.execute(request, timeout: .seconds(120))
        let body = try await response.body.collect(upTo: 1 << 22)
        var headers = HTTPFields()
        for header in response.headers {
            if let name = HTTPField.Name(header.name) { headers.append(HTTPField(name: name, value: header.value)) }
        }
        return Reply(status: HTTPResponse.Status(code: Int(response.status.code)), headers: headers,
                     text: String(buffer: body))
    }

    /// `POST /v1/sessions`.
    func signIn(_ username: String = "alice", password: String = "correct horse battery", otp: String? = nil,
                deviceSecret: String? = nil, label: String? = nil, ip: String = "203.0.113.7") async throws -> Reply {
        var body: [String: Any] = ["username": username, "password": password]
        if let otp { body["otp"] = otp }
        if let deviceSecret { body["device_secret"] = deviceSecret }
        if let label { body["device_id"] = label }
        return try await send(.post, "/v1/sessions", json: body, ip: ip)
    }

    /// Signs in and completes the sign-in's step-up with TOTP when one is asked; returns the usable token and the
    /// device secret StepUp handed out.
    func fullSignIn(_ server: AdversaryServer, secret: [UInt8], username: String = "alice",
                    password: String = "correct horse battery", deviceSecret: String? = nil,
                    ip: String = "203.0.113.7") async throws -> (token: String, deviceSecret: String?) {
        let reply = try await signIn(username, password: password, deviceSecret: deviceSecret, ip: ip)
        guard reply.status == .created, var token = reply.json["token"] as? String else {
            throw AdversaryFailure("sign-in failed: \(reply.status) \(reply.text)")
        }
        let issued = reply.json["device_secret"] as? String ?? deviceSecret
        if let stepUp = reply.json["step_up"] as? [String: Any], let id = stepUp["id"] as? String {
            let verified = try await send(.post, "/v1/challenges/\(id)/verify", token: token,
                                          json: ["factor": "totp", "code": server.code(secret)], ip: ip)
            guard verified.status == .ok, let fresh = verified.json["token"] as? String else {
                throw AdversaryFailure("sign-in step-up failed: \(verified.status) \(verified.text)")
            }
            token = fresh
            server.clock.advance(30)
        }
        return (token, issued)
    }

    /// `POST /v1/decisions`.
    func decide(_ token: String, _ action: String, transaction: [String: Any]? = nil,
                attributes: [String: Any]? = nil, grant: String? = nil, explain: Bool? = nil,
                ip: String = "203.0.113.7") async throws -> Reply {
        var body: [String: Any] = ["action": action]
        var context: [String: Any] = [:]
        if let transaction { context["transaction"] = transaction }
        if let attributes { context["attributes"] = attributes }
        if !context.isEmpty { body["context"] = context }
        if let grant { body["grant"] = grant }
        if let explain { body["explain"] = explain }
        return try await send(.post, "/v1/decisions", token: token, json: body, ip: ip)
    }
}

struct AdversaryFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension ServerConfiguration {
    /// Defaults with Argon2 at its cheapest, so tests that sign in often stay fast.
    static var cheapPasswords: ServerConfiguration {
        var configuration = ServerConfiguration()
        configuration.passwords.memoryKiB = 256
        configuration.passwords.iterations = 1
        configuration.passwords.parallelism = 1
        return configuration
    }
}
