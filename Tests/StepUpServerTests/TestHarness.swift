import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import StepUpCore
import StepUpCrypto
import StepUpStore
import Synchronization
import Testing
@testable import StepUpServer

/// A StepUp wired to in-memory stores, the demo policy, light Argon2 parameters and a clock tests move by hand.
struct TestHarness: Sendable {
    let service: StepUpService
    let store: MemoryStore
    let clock: TestClock
    let cookieKey = SymmetricKey(size: .bits256)
    /// The policy file (some tests edit and reload it); removed when the last copy of the harness goes.
    let policyFile: TemporaryFile

    init(locator: (any GeoLocator)? = nil, policyYAML: String = Policy.demoYAML,
         configure: (inout ServerConfiguration) -> Void = { _ in }) throws {
        var configuration = ServerConfiguration()
        configuration.demo = true
        configuration.passwords.memoryKiB = 256
        configuration.passwords.iterations = 1
        configuration.passwords.parallelism = 1
        let policyFile = TemporaryFile(FileManager.default.temporaryDirectory
            .appendingPathComponent("stepup-test-policy-\(UUID().uuidString).yaml"))
        try policyYAML.write(to: policyFile.url, atomically: true, encoding: .utf8)
        configuration.policyFile = policyFile.url.path
        self.policyFile = policyFile
        // Before `configure`, so a test can seal a secret for the configuration with the same keyring.
        let key = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0).base64EncodedString() }
        configuration.secrets.sealingKeys = "k1:\(key)"
        configure(&configuration)
        let clock = TestClock(Date(timeIntervalSince1970: 1_800_000_000))
        let store = MemoryStore()
        let stores = store.stores
        let holder = PolicyHolder(try Policy.load(yaml: policyYAML, file: policyFile.url.path))
        let crypto = CredentialCrypto(sealer: SecretSealer(keyring: try SecretKeyring(
                                          parsing: configuration.secrets.sealingKeys)),
                                      passwords: configuration.passwords, totp: configuration.totp)
        let risk = RiskService(stores: stores, locator: locator, settings: { holder.current.risk })
        self.service = StepUpService(configuration: configuration, stores: stores, policy: holder, crypto: crypto,
                                     risk: risk, logger: Logger(label: "test"), now: { clock.now })
        self.store = store
        self.clock = clock
    }

    static let metricsToken = "harness-metrics-token-0123456789"

    func application() throws -> some ApplicationProtocol {
        Application(router: try StepUpApplication.router(service: service, cookieKey: cookieKey,
                                                         metricsToken: Self.metricsToken))
    }

    /// The device secret `client.login()` presents, and the id StepUp stores for it.
    static let deviceSecret = "test-device-secret-00000000000000000000000"
    static var deviceID: String { DeviceIdentity.id(secret: deviceSecret) }

    /// Creates `alice` with an active TOTP factor; returns the raw secret. Her test device (the one
    /// `client.login()` presents) is known, as after an earlier successful sign-in.
    func aliceWithTOTP(password: String = "correct horse battery") async throws -> (UserRecord, [UInt8]) {
        let user = try await service.createUser(username: "alice", password: password, roles: ["customer"])
        let enrollment = try await service.startTOTPEnrollment(user: user, client: ClientInfo(ip: "127.0.0.1"))
        try await store.stores.factors.activateFactor(id: enrollment.factorID)
        try await knowDevice(of: user)
        return (user, try requireBase32(enrollment.secret))
    }

    /// Marks the test device as one `user` signed in on before.
    func knowDevice(of user: UserRecord) async throws {
        try await store.stores.devices.recordDeviceSeen(userID: user.id, deviceID: Self.deviceID, label: "test",
                                                        at: clock.now)
    }

    /// alice signs in from `client` (a new device, so she is asked to step up) and steps up with TOTP:
    /// afterwards the device and the place are known.
    func signInAndStepUp(secret: [UInt8], client: ClientInfo) async throws -> LoginResult {
        let login = try await service.login(LoginAttempt(username: "alice", password: "correct horse battery"),
                                            client: client)
        let challenge = try #require(login.stepUp, "a sign-in from a new device is stepped up").challenge
        let user = try #require(try await store.stores.credentials.user(id: login.session.userID))
        _ = try await service.verify(challengeID: challenge.id, answer: StepUpAnswer(factor: .totp, code: totp(secret)),
                                     session: login.session, user: user, client: client)
        return login
    }

    /// The TOTP code for `secret` at the test clock's time plus `offset` seconds.
    func totp(_ secret: [UInt8], offset: TimeInterval = 0) -> String {
        (try? TOTP(secret: secret))?.code(at: clock.now.addingTimeInterval(offset)) ?? "invalid"
    }
}

func requireBase32(_ text: String) throws -> [UInt8] {
    try Base32.decode(text)
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A file removed when the last reference to it goes.
final class TemporaryFile: Sendable {
    let url: URL
    init(_ url: URL) { self.url = url }
    deinit { try? FileManager.default.removeItem(at: url) }
}

/// A clock tests advance explicitly; never sleeps.
final class TestClock: Sendable {
    private let value: Mutex<Date>
    init(_ start: Date) { value = Mutex(start) }
    var now: Date { value.withLock { $0 } }
    func advance(_ seconds: TimeInterval) { value.withLock { $0 = $0.addingTimeInterval(seconds) } }
}

extension TestClientProtocol {
    /// Sends JSON and returns status, headers and the decoded JSON object.
    @discardableResult
    func json(_ method: HTTPRequest.Method, _ uri: String, token: String? = nil, body: Any? = nil,
              raw: String? = nil, contentType: String = "application/json")
        async throws -> (status: HTTPResponse.Status, headers: HTTPFields, json: [String: Any], text: String)
    {
        var headers: HTTPFields = [:]
        if let token { headers[.authorization] = "Bearer \(token)" }
        var buffer: ByteBuffer?
        if let body {
            headers[.contentType] = contentType
            buffer = ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body))
        } else if let raw {
            headers[.contentType] = contentType
            buffer = ByteBuffer(string: raw)
        }
        return try await execute(uri: uri, method: method, headers: headers, body: buffer) { response in
            let text = String(buffer: response.body)
            let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
            return (response.status, response.headers, object, text)
        }
    }

    /// Signs in from the harness's test device (see ``TestHarness/deviceSecret``).
    func login(_ username: String = "alice", _ password: String = "correct horse battery",
               deviceSecret: String = TestHarness.deviceSecret) async throws -> String {
        let reply = try await json(.post, "/v1/sessions",
                                   body: ["username": username, "password": password, "device_secret": deviceSecret])
        guard reply.status == .created, let token = reply.json["token"] as? String else {
            throw TestFailure("login failed: \(reply.status) \(reply.text)")
        }
        return token
    }
}
