import Foundation
import StepUpTestSupport
import StepUpWebAuthn
import Testing

/// Passkeys against a real `stepup serve`: an independent Python client (python-fido2 and `cryptography`) through
/// the JSON API, and headless Chromium with a virtual authenticator driving the pages. Chromium's responses are
/// verified by py_webauthn and by StepUpWebAuthn, which must agree.
@Suite("Passkeys end to end", .heavy, .serialized, .timeLimit(.minutes(8)))
struct PasskeyEndToEndTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Browser")

    /// python3 with `modules`, or nil (a failure under CI, a printed skip locally).
    static func python(with modules: [String], install: String) async throws -> String? {
        guard let python = ExternalTool.require("python3", package: "python3") else { return nil }
        let probe = try await ExternalTool.run(python, ["-c", "import " + modules.joined(separator: ", ")])
        guard probe.status == 0 else {
            ExternalTool.missing("python modules \(modules.joined(separator: ", ")) (pip install \(install))")
            return nil
        }
        return python
    }

    @Test func anIndependentPythonClientRegistersAndAssertsThroughTheAPI() async throws {
        guard let python = try await Self.python(with: ["fido2", "cryptography"], install: "fido2 cryptography")
        else { return }
        let server = try await RunningServer.start(arguments: ["--demo"])
        do {
            let password = try #require(BrowserFlowTests.value(after: "user:        admin / ", in: server.output)?
                .split(separator: " ").first)
            // `--demo` keeps the default public_url, so the relying party's origin is http://localhost:8080.
            let run = try await ExternalTool.run(python, [
                Self.folder.appendingPathComponent("passkey_client.py").path, server.baseURL,
                "http://localhost:8080", "admin", String(password),
            ])
            #expect(run.status == 0, "\(run.stdout)\n\(run.stderr)\nserver:\n\(server.output)")
            #expect(run.stdout.contains("passkey client passed"))
            #expect(await server.stop() == 0)
        } catch {
            _ = await server.stop()
            throw error
        }
    }

    @Test(arguments: ["device", "synced"])
    func chromiumRegistersAndSignsInWithAVirtualAuthenticator(_ mode: String) async throws {
        guard ExternalTool.require("chromium", package: "chromium") != nil,
              ExternalTool.require("chromedriver", package: "chromium-driver") != nil,
              let python = try await Self.python(with: ["selenium", "webauthn"], install: "selenium webauthn")
        else { return }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("stepup-passkeys-\(UUID())")
        defer { try? FileManager.default.removeItem(at: directory) }
        // The page's origin must be the relying party's: a fixed port, written into public_url.
        let port = try Self.freePort()
        let initialized = try await ExternalTool.run(ExternalTool.stepupBinary,
                                                     ["init", "--directory", directory.path, "--policy", "demo"])
        #expect(initialized.status == 0, "\(initialized.stderr)")
        let config = directory.appendingPathComponent("stepup.yaml")
        let text = try String(contentsOf: config, encoding: .utf8)
            .replacingOccurrences(of: "public_url: http://localhost:8080", with: "public_url: http://localhost:\(port)")
        try text.write(to: config, atomically: true, encoding: .utf8)
        let server = try await RunningServer.start(arguments: ["--config", config.path, "--demo"], port: port)
        do {
            let password = try #require(BrowserFlowTests.value(after: "user:        admin / ", in: server.output)?
                .split(separator: " ").first)
            let recordings = directory.appendingPathComponent("recordings-\(mode).json")
            let run = try await ExternalTool.run(python, [
                Self.folder.appendingPathComponent("passkey_browser.py").path, "http://localhost:\(port)", "admin",
                String(password), mode, recordings.path, directory.path,
            ], timeout: .seconds(300))
            #expect(run.status == 0, "\(run.stdout)\n\(run.stderr)\nserver:\n\(server.output)")
            #expect(run.stdout.contains("browser passkey flow passed (\(mode))"))
            if run.status == 0 { try await Self.verifyWithOurs(recordings, synced: mode == "synced") }
            #expect(await server.stop() == 0)
        } catch {
            _ = await server.stop()
            throw error
        }
    }

    /// StepUpWebAuthn verifies the bytes Chromium sent and reaches py_webauthn's verdict and values.
    static func verifyWithOurs(_ file: URL, synced: Bool) async throws {
        let recording = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any])
        let origin = try #require(recording["origin"] as? String)
        let party = RelyingParty(id: try #require(recording["rp_id"] as? String), origins: [origin])
        let py = try #require(recording["py"] as? [String: Any])
        let registration = try #require(recording["registration"] as? [String: Any])
        let credential = try #require(registration["credential"] as? [String: Any])
        let response = try #require(credential["response"] as? [String: Any])
        let options = try #require(registration["options"] as? [String: Any])
        func bytes(_ value: Any?) throws -> [UInt8] { try #require((value as? String).flatMap { Base64URL.decode($0) }) }
        let registered = try await party.verifyRegistration(
            challenge: try bytes(options["challenge"]), clientDataJSON: try bytes(response["clientDataJSON"]),
            attestationObject: try bytes(response["attestationObject"]), requireUserVerification: true, now: Date())
        #expect(Base64URL.encode(registered.credentialId) == py["credential_id"] as? String)
        #expect(Base64URL.encode(registered.publicKey) == py["public_key"] as? String)
        #expect(Int(registered.signCount) == py["sign_count"] as? Int)
        #expect(registered.backupState == py["backed_up"] as? Bool)
        #expect(registered.backupEligible == synced && registered.userVerified)
        var count = registered.signCount
        let assertions = try #require(recording["assertions"] as? [[String: Any]])
        #expect(!assertions.isEmpty)
        for entry in assertions {
            let recorded = try #require(entry["recorded"] as? [String: Any])
            let theirs = try #require(entry["py"] as? [String: Any])
            let answer = try #require((recorded["credential"] as? [String: Any])?["response"] as? [String: Any])
            let request = try #require(recorded["options"] as? [String: Any])
            let result = try party.verifyAssertion(
                challenge: try bytes(request["challenge"]), clientDataJSON: try bytes(answer["clientDataJSON"]),
                authenticatorData: try bytes(answer["authenticatorData"]), signature: try bytes(answer["signature"]),
                credential: StoredCredential(publicKey: registered.publicKey, signCount: count),
                requireUserVerification: true)
            #expect(Int(result.signCount) == theirs["new_sign_count"] as? Int)
            #expect(result.userVerified == theirs["user_verified"] as? Bool)
            #expect(result.backupState == theirs["backed_up"] as? Bool)
            #expect(result.methods.hardwareBound == !synced && !result.signCountRegressed)
            // The same bytes with one signature byte changed: both verifiers' verdicts are "refused".
            var forged = try bytes(answer["signature"])
            forged[forged.count / 2] ^= 0x01
            #expect(throws: WebAuthnError.self) {
                try party.verifyAssertion(
                    challenge: try bytes(request["challenge"]), clientDataJSON: try bytes(answer["clientDataJSON"]),
                    authenticatorData: try bytes(answer["authenticatorData"]), signature: forged,
                    credential: StoredCredential(publicKey: registered.publicKey, signCount: count),
                    requireUserVerification: true)
            }
            count = result.signCount
        }
    }

    /// A port nobody listens on right now (bound and released).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard bound == 0 else { throw PortError() }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    struct PortError: Error {}
}
