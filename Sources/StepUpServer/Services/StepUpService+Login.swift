import HTTPTypes
import Foundation
import StepUpCore
import StepUpGeo

/// A successful sign-in: the session, its bearer token (shown once), and a challenge when the login itself
/// needs a step-up (policy action `auth.login`).
public struct LoginResult: Sendable {
    public var token: String
    public var session: Session
    public var user: UserRecord
    public var stepUp: StepUpOutcome?
}

extension StepUpService {
    /// The action policies use to ask for more at sign-in (e.g. from a new device or under high risk).
    public static let loginAction = "auth.login"

    /// Password sign-in. Unknown users, disabled users and wrong passwords get the same answer at the same cost.
    ///
    /// - Parameter otp: a second-factor code; required only after `maxFailuresPerAccount` consecutive failures,
    ///   so an attacker guessing passwords can slow an account down but never lock its owner out.
    public func login(username: String, password: String, otp: String? = nil, client: ClientInfo) async throws
        -> LoginResult
    {
        let started = now()
        let window = started.addingTimeInterval(-configuration.login.failureWindow)
        if try await risk.isBlocked(client.ip) {
            try await auditor.record("login.blocked", at: started, client: client)
            throw Problem.forbidden("sign-in from this network address is blocked by an administrator")
        }
        let addressKey = RiskCounterKeys.address(client.ip)
        let addressFailures = try await stores.throttle.failureCount(key: addressKey, since: window)
        if addressFailures >= configuration.login.maxFailuresPerAddress {
            metrics.login("throttled")
            try await auditor.record("login.throttled", at: started, client: client,
                                     details: ["failures": String(addressFailures)])
            throw Problem.tooManyRequests(retryAfter: Int(configuration.login.failureWindow))
        }
        let name = username.trimmingCharacters(in: .whitespaces).lowercased()
        guard !name.isEmpty, name.count <= 256, password.utf8.count <= 4_096,
              let user = try await stores.credentials.user(username: name), !user.disabled,
              let phc = try await stores.credentials.passwordHash(userID: user.id)
        else {
            await crypto.burnUnknownUser(password)
            try await recordLoginFailure(userID: nil, username: name, client: client, reason: "unknown or disabled user")
            throw Problem.invalidCredentials
        }
        let verification = await crypto.verifyPassword(password, phc: phc)
        guard verification.matches else {
            try await recordLoginFailure(userID: user.id, username: name, client: client, reason: "wrong password")
            throw Problem.invalidCredentials
        }
        let accountKey = RiskCounterKeys.user(user.id)
        let accountFailures = try await stores.throttle.failureCount(key: accountKey, since: window)
        var secondFactor: FactorKind?
        if accountFailures >= configuration.login.maxFailuresPerAccount {
            guard let otp, let used = try await verifyAnyCode(user: user, code: otp) else {
                try await recordLoginFailure(userID: user.id, username: name, client: client,
                                             reason: "second factor required after repeated failures")
                throw Problem(.unauthorized, type: "second-factor-required", title: "A one-time code is required",
                              detail: "after many failed sign-in attempts this account needs a one-time code " +
                                      "(authenticator app or recovery code) with the password; send it as 'otp'")
            }
            secondFactor = used
        }
        if verification.needsRehash, let rehashed = try? await crypto.hashPassword(password) {
            try await stores.credentials.setPasswordHash(userID: user.id, rehashed)
        }
        try await stores.throttle.clearFailures(key: accountKey)

        let at = now()
        var events = [AuthenticationEvent(id: Tokens.id(prefix: "evt"), factor: .password, at: at,
                                          deviceID: client.deviceID)]
        if let secondFactor {
            events.append(AuthenticationEvent(id: Tokens.id(prefix: "evt"), factor: secondFactor, at: at,
                                              deviceID: client.deviceID))
        }
        let token = Tokens.random()
        let session = Session(id: Tokens.id(prefix: "ses"), userID: user.id, createdAt: at,
                              expiresAt: at.addingTimeInterval(configuration.sessions.lifetime),
                              deviceID: client.deviceID, ip: client.ip, userAgent: client.userAgent, events: events)
        try await stores.sessions.createSession(session, tokenHash: Tokens.hash(token))
        let outcome = try await decide(session: session, user: user,
                                       request: ActionRequest(action: Self.loginAction), grantID: nil, client: client,
                                       auditType: "login.succeeded")
        metrics.login("success")
        if outcome.decision.outcome == .allow {
            try await risk.recordSignIn(user: user, client: client, at: at)
        }
        return LoginResult(token: token, session: session, user: user,
                           stepUp: outcome.decision.outcome == .stepUp ? outcome.stepUp : nil)
    }

    private func recordLoginFailure(userID: String?, username: String, client: ClientInfo, reason: String) async throws {
        let at = now()
        metrics.login("failure")
        try await risk.recordFailure(userID: userID, username: username, ip: client.ip, at: at)
        try await auditor.record("login.failed", at: at, user: userID, client: client,
                                 details: ["reason": reason, "username": username])
    }

    /// Resolves a bearer token or session cookie value to an active session and its user.
    public func authenticate(token: String) async throws -> (session: Session, user: UserRecord)? {
        guard !token.isEmpty, token.count <= 256 else { return nil }
        guard let session = try await stores.sessions.session(tokenHash: Tokens.hash(token)) else { return nil }
        let at = now()
        guard session.isActive(at: at),
              let user = try await stores.credentials.user(id: session.userID), !user.disabled
        else { return nil }
        try await stores.sessions.touchSession(id: session.id, at: at)
        return (session, user)
    }

    public func logout(session: Session, client: ClientInfo) async throws {
        try await stores.sessions.revokeSession(id: session.id, at: now())
        try await auditor.record("session.revoked", at: now(), user: session.userID, session: session.id, client: client)
    }
}
