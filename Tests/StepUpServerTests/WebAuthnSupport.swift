import Foundation
import HTTPTypes
import HummingbirdTesting
import StepUpCore
import StepUpStore
import StepUpTestSupport
import StepUpWebAuthn
import Testing
@testable import StepUpServer

/// The flags a synced passkey (a password manager's, a phone's cloud keychain) sets: BE and BS.
let syncedFlags: AuthenticatorFlags = [.userPresent, .userVerified, .backupEligible, .backedUp]

/// A JSON API answer as ``TestClientProtocol/json(_:_:token:body:raw:contentType:)`` returns it.
typealias Reply = (status: HTTPResponse.Status, headers: HTTPFields, json: [String: Any], text: String)

extension TestClientProtocol {
    /// Registers `device` for the bearer's user through the API: options, then the answer (bent by `answer`).
    /// The device learns its user handle from the options.
    @discardableResult
    func registerPasskey(_ device: inout SoftwareAuthenticator, token: String,
                         _ answer: SoftwareAuthenticator.Answer = .init(), name: String? = "Laptop",
                         query: String = "") async throws -> Reply {
        let options = try await json(.post, "/v1/factors/webauthn/options" + query, token: token,
                                     body: [String: String]())
        guard options.status == .ok, let key = options.json["public_key"] as? [String: Any],
              let ceremony = options.json["ceremony"] as? String
        else { return options }
        let handle = ((key["user"] as? [String: Any])?["id"] as? String).flatMap { Base64URL.decode($0) }
        device.userHandle = handle
        var body: [String: Any] = ["ceremony": ceremony, "credential": try device.registration(options: key, answer)]
        if let name { body["name"] = name }
        return try await json(.post, "/v1/factors/webauthn" + query, token: token, body: body)
    }

    /// A usernameless passkey sign-in through the API.
    func passkeySignIn(_ device: SoftwareAuthenticator, _ answer: SoftwareAuthenticator.Answer = .init(),
                       extra: [String: Any] = [:]) async throws -> Reply {
        let options = try await json(.post, "/v1/sessions/webauthn/options", body: [String: String]())
        let key = try #require(options.json["public_key"] as? [String: Any], "\(options.text)")
        #expect((key["allowCredentials"] as? [Any])?.isEmpty == true, "sign-in options name no credential")
        var body = extra
        body["ceremony"] = options.json["ceremony"]
        body["credential"] = try device.assertion(options: key, answer)
        return try await json(.post, "/v1/sessions/webauthn", body: body)
    }

    /// Answers challenge `id` with an assertion from `device` (options fetched first).
    func verifyWithPasskey(_ id: String, _ device: SoftwareAuthenticator, token: String,
                           _ answer: SoftwareAuthenticator.Answer = .init(), password: String? = nil) async throws
        -> Reply
    {
        let options = try await json(.post, "/v1/challenges/\(id)/webauthn", token: token, body: [String: String]())
        guard options.status == .ok, let key = options.json["public_key"] as? [String: Any] else { return options }
        var body: [String: Any] = ["factor": "webauthn", "ceremony": options.json["ceremony"] ?? "",
                                   "credential": try device.assertion(options: key, answer)]
        if let password { body["password"] = password }
        return try await json(.post, "/v1/challenges/\(id)/verify", token: token, body: body)
    }

    /// The session's level and amr.
    func level(_ token: String) async throws -> (level: String?, amr: [String]) {
        let current = try await json(.get, "/v1/sessions/current", token: token)
        return (current.json["level"] as? String, current.json["amr"] as? [String] ?? [])
    }
}

/// A refusal as the API must give it: problem+json, the status, and the WebAuthn identifier in type and member.
func expectProblem(_ reply: Reply, _ status: HTTPResponse.Status, _ identifier: String,
                   _ label: String, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(reply.status == status, "\(label): \(reply.status) \(reply.text)", sourceLocation: sourceLocation)
    #expect(reply.headers[.contentType] == "application/problem+json", "\(label)", sourceLocation: sourceLocation)
    #expect(reply.json["webauthn_error"] as? String == identifier, "\(label): \(reply.text)",
            sourceLocation: sourceLocation)
    #expect(reply.json["type"] as? String == "https://stepup.dev/problems/webauthn-"
                + identifier.replacingOccurrences(of: "_", with: "-"), "\(label)", sourceLocation: sourceLocation)
    #expect((reply.json["detail"] as? String)?.isEmpty == false, "\(label)", sourceLocation: sourceLocation)
}

extension TestHarness {
    /// A user with a registered passkey (`device`), signed in with the password on a known device; returns the
    /// user, the device (with its user handle) and a password session token.
    func userWithPasskey(_ client: some TestClientProtocol, username: String = "carol", roles: [String] = [],
                         flags: AuthenticatorFlags = [.userPresent, .userVerified]) async throws
        -> (UserRecord, SoftwareAuthenticator, String)
    {
        let user = try await service.createUser(username: username, password: "correct horse battery", roles: roles)
        try await knowDevice(of: user)
        let token = try await client.login(username)
        var device = SoftwareAuthenticator.random()
        let registered = try await client.registerPasskey(&device, token: token, .init(flags: flags))
        #expect(registered.status == .created, "\(registered.text)")
        return (user, device, token)
    }

    func auditTypes() async throws -> [AuditEvent] {
        try await store.stores.audit.auditEvents(after: 0, limit: 10_000)
    }
}
