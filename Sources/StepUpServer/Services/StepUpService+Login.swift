import Foundation
import StepUpCore
import StepUpCrypto
import StepUpGeo

/// What a client sends to sign in.
public struct LoginAttempt: Sendable {
    public var username: String
    public var password: String
    /// A one-time code (authenticator app or recovery code); needed when the account is over its failure limit
    /// and the client is not on a device that signed in before.
    public var otp: String?

    public init(username: String, password: String, otp: String? = nil) {
        self.username = username
        self.password = password
        self.otp = otp
    }
}

/// A sign-in that got past its checks: the session, its bearer token (shown once), and — when the policy asks
/// for more at `auth.login` — the challenge the *pending* session must complete before it can do anything else.
public struct LoginResult: Sendable {
    public var token: String
    public var session: Session
    public var user: UserRecord
    public var stepUp: StepUpOutcome?
    /// Why the sign-in was stepped up (the `auth.login` decision), when it was.
    public var decision: Decision?
    /// A device secret for a client that proved no device: keep it and send it at the next sign-in (API
    /// `device_secret`, the browser's device cookie). The device becomes known once this sign-in succeeds.
    public var deviceSecret: String?
}

extension StepUpService {
    /// The action policies use to ask for more at sign-in (e.g. from a new device or under high risk).
    public static let loginAction = "auth.login"

    /// Password sign-in. The policy decides `auth.login` *before* a usable session exists.
    ///
    /// Every guess is paid for before it is checked: a unit of the address's and the account's failure budgets
    /// (and of the account's wrong-code budget for `otp`) is spent first and handed back on success. Unknown
    /// users, disabled users and wrong passwords get the same answer at the same cost. Over the account's
    /// limit the answer is decided before the password is looked at, so it reads the same for a right and a
    /// wrong password; the owner still gets in with a one-time code, or from a device that signed in before.
    public func login(_ attempt: LoginAttempt, client: ClientInfo) async throws -> LoginResult {
        let started = now()
        var client = try await signInClient(client, at: started)
        let name = attempt.username.trimmingCharacters(in: .whitespaces).lowercased()
        guard !name.isEmpty, name.count <= 256, attempt.password.utf8.count <= 4_096 else {
            throw StepUpError.invalidCredentials
        }
        var receipts = [try await spendAddressBudget(client, at: started)]
        let window = configuration.login.failureWindow
        let candidate = try await stores.credentials.user(username: name)
        let user = candidate.flatMap { $0.disabled ? nil : $0 }
        // OWASP "device cookies": a device that signed in to this account before is not held back by failures
        // others cause; everyone else shares the account's budget.
        let knownDevice = try await user.asyncMap { try await risk.isKnownDevice(client.deviceID, of: $0) } ?? false
        var overLimit = false
        if !knownDevice {
            switch try await stores.budgets.spend(key: "login.account:" + name,
                                                  limit: configuration.login.maxFailuresPerAccount, window: window,
                                                  at: started) {
            case .spent(let receipt, _): receipts.append(receipt)
            case .exhausted(let retryAfter):
                overLimit = true
                guard attempt.otp?.isEmpty == false else {
                    // Decided before the password is looked at: the same answer whatever the password.
                    metrics.login("throttled")
                    try await stores.budgets.refund(receipts[0])
                    try await auditor.record("login.throttled", at: started, client: client,
                                             details: ["scope": "account", "username": name])
                    throw StepUpError.rateLimited(
                        "too many failed sign-ins for this account; add a one-time code from your authenticator "
                            + "app or a recovery code ('otp'), sign in from a device you used before, or wait",
                        retryAfter: retryAfter)
                }
            }
        }

        let matches: Bool
        do {
            if let user, let phc = try await stores.credentials.passwordHash(userID: user.id) {
                let verification = try await crypto.verifyPassword(attempt.password, phc: phc)
                matches = verification.matches
                if matches, verification.needsRehash, let rehashed = try? await crypto.hashPassword(attempt.password) {
                    try await stores.credentials.setPasswordHash(userID: user.id, rehashed)
                }
            } else {
                try await crypto.burnUnknownUser(attempt.password)
                matches = false
            }
        } catch let error as StepUpError where error.isOverloaded {
            // Nobody's failure: the units go back and the client is told to retry.
            for receipt in receipts { try await stores.budgets.refund(receipt) }
            metrics.login("overloaded")
            throw error
        }
        guard let user, matches else {
            try await recordLoginFailure(userID: user?.id, username: name, client: client,
                                         reason: user == nil ? "unknown or disabled user" : "wrong password")
            throw StepUpError.invalidCredentials
        }
        var factors: [FactorKind] = [.password]
        if overLimit {
            guard let otp = attempt.otp, let used = try await verifyAnyCode(user: user, code: otp, client: client)
            else {
                try await recordLoginFailure(userID: user.id, username: name, client: client,
                                             reason: "one-time code missing or wrong over the failure limit")
                throw StepUpError.invalidCredentials
            }
            factors.append(used)
        }
        for receipt in receipts { try await stores.budgets.refund(receipt) }
        return try await issueSession(user: user, factors: factors, client: &client, at: now())
    }

    /// The start of every sign-in (password or passkey): caches brought up to date, the client resolved once, and a
    /// blocked address refused before anything else.
    func signInClient(_ client: ClientInfo, at: Date) async throws -> ClientInfo {
        try await stores.coherence.synchronize()
        let client = try await risk.resolve(client)
        if client.isBlocked {
            try await auditor.record("login.blocked", at: at, client: client)
            throw StepUpError.signInDenied("sign-in from this network address is blocked by an administrator")
        }
        return client
    }

    /// One unit of the address's (IPv6: the /64's) failure budget, paid before any credential is checked and handed
    /// back when the sign-in holds; an exhausted budget is 429 with `Retry-After`.
    func spendAddressBudget(_ client: ClientInfo, at: Date) async throws -> BudgetReceipt {
        switch try await stores.budgets.spend(key: "login.addr:" + RiskCounterKeys.bucket(client.ip),
                                              limit: configuration.login.maxFailuresPerAddress,
                                              window: configuration.login.failureWindow, at: at) {
        case .exhausted(let retryAfter):
            metrics.login("throttled")
            try await auditor.record("login.throttled", at: at, client: client, details: ["scope": "address"])
            throw StepUpError.rateLimited("too many failed sign-ins from this address", retryAfter: retryAfter)
        case .spent(let receipt, _):
            return receipt
        }
    }

    /// Decides `auth.login` for a would-be session, then issues it: allowed → usable; step-up → pending until its
    /// challenge is completed; denied → nothing is issued.
    ///
    /// - Parameter traits: what a factor's use proved when it differs from ``FactorKind/traits`` (a passkey's flags).
    func issueSession(user: UserRecord, factors: [FactorKind], traits: [FactorKind: FactorTraits] = [:],
                      client: inout ClientInfo, at: Date) async throws -> LoginResult
    {
        var deviceSecret: String?
        if client.deviceID == nil {
            let secret = DeviceIdentity.newSecret()
            deviceSecret = secret
            client.deviceID = DeviceIdentity.id(secret: secret)
        }
        let events = factors.map {
            AuthenticationEvent(id: Tokens.id(prefix: "evt"), factor: $0, traits: traits[$0], at: at,
                                deviceID: client.deviceID)
        }
        var session = Session(id: Tokens.id(prefix: "ses"), userID: user.id, createdAt: at,
                              expiresAt: at.addingTimeInterval(configuration.sessions.lifetime),
                              deviceID: client.deviceID, ip: client.ip, userAgent: client.userAgent, events: events)
        let outcome = try await decide(session: session, user: user, request: ActionRequest(action: Self.loginAction),
                                       grantID: nil, client: client, auditType: "login.decided")
        switch outcome.decision.outcome {
        case .deny:
            metrics.login("denied")
            try await auditor.record("login.denied", at: at, user: user.id, client: client,
                                     details: ["reason": outcome.decision.reason])
            throw StepUpError.signInDenied(outcome.decision.reason)
        case .stepUp:
            guard let stepUp = outcome.stepUp else {
                throw StepUpError.signInDenied(outcome.decision.reason)
            }
            if stepUp.availableFactors.isEmpty {
                guard try await enrolledKinds(userID: user.id).isEmpty else {
                    // Factors enrolled, but none this sign-in accepts: fail closed.
                    metrics.login("denied")
                    try await auditor.record("login.denied", at: at, user: user.id, client: client,
                                             details: ["reason": "no enrolled factor can complete the sign-in"])
                    throw StepUpError.signInDenied("this sign-in needs a factor you have not enrolled ("
                        + (stepUp.challenge.requirement.allowedFactors?.sorted().map(\.rawValue)
                            .joined(separator: ", ") ?? stepUp.challenge.requirement.level)
                        + "); ask an administrator")
                }
                // "Highest available": the user has no second factor at all, so the sign-in stands at what the
                // password proves; every action that needs more still asks for it (and a policy that must refuse
                // such sign-ins says `deny`).
                return try await issueUsable(session, user: user, factors: factors, client: client, at: at,
                                             deviceSecret: deviceSecret, note: "no second factor enrolled")
            }
            session.pendingChallengeID = stepUp.challenge.id
            let token = Tokens.random()
            try await stores.sessions.createSession(session, tokenHash: Tokens.hash(token))
            metrics.login("step_up")
            try await auditor.record("login.step_up", at: at, user: user.id, session: session.id, client: client,
                                     details: ["challenge": stepUp.challenge.id])
            return LoginResult(token: token, session: session, user: user, stepUp: stepUp,
                               decision: outcome.decision, deviceSecret: deviceSecret)
        case .allow:
            return try await issueUsable(session, user: user, factors: factors, client: client, at: at,
                                         deviceSecret: deviceSecret, note: nil)
        }
    }

    private func issueUsable(_ session: Session, user: UserRecord, factors: [FactorKind], client: ClientInfo,
                             at: Date, deviceSecret: String?, note: String?) async throws -> LoginResult {
        let token = Tokens.random()
        try await stores.sessions.createSession(session, tokenHash: Tokens.hash(token))
        metrics.login("success")
        var details = ["factors": factors.map(\.rawValue).joined(separator: ",")]
        if let note { details["step_up"] = note }
        try await auditor.record("login.succeeded", at: at, user: user.id, session: session.id, client: client,
                                 details: details)
        if note == nil {
            try await risk.recordSuccess(user: user, client: client, at: at)
        } else if let deviceID = client.deviceID {
            // The device signed in successfully (its owner is not locked out from it), but a sign-in the policy
            // wanted to step up teaches the history nothing.
            try await stores.devices.recordDeviceSeen(userID: user.id, deviceID: deviceID,
                                                      label: DeviceLabel.describe(client), at: at)
        }
        return LoginResult(token: token, session: session, user: user, stepUp: nil, decision: nil,
                           deviceSecret: deviceSecret)
    }

    private func recordLoginFailure(userID: String?, username: String, client: ClientInfo, reason: String)
        async throws
    {
        let at = now()
        metrics.login("failure")
        try await risk.recordFailure(userID: userID, username: username, ip: client.ip, at: at)
        try await auditor.record("login.failed", at: at, user: userID, client: client,
                                 details: ["reason": reason, "username": username])
    }

    /// Resolves a bearer token or session cookie value to an active session and its user.
    ///
    /// - Parameter allowPending: only the challenge routes pass `true`: a sign-in waiting for its step-up can do
    ///   nothing but complete it.
    public func authenticate(token: String, allowPending: Bool = false) async throws
        -> (session: Session, user: UserRecord)?
    {
        guard !token.isEmpty, token.count <= 256 else { return nil }
        // Every request that authenticates starts here: bring the caches up to every change acknowledged so far.
        try await stores.coherence.synchronize()
        guard let session = try await stores.sessions.session(tokenHash: Tokens.hash(token)) else { return nil }
        let at = now()
        guard session.isActive(at: at), allowPending || !session.isPending,
              let user = try await stores.credentials.user(id: session.userID), !user.disabled
        else { return nil }
        // Last activity is written at most every `touchInterval`: idle timeouts are exact to that precision.
        if at.timeIntervalSince(session.lastSeenAt) >= Self.touchInterval {
            try await stores.sessions.touchSession(id: session.id, at: at)
        }
        return (session, user)
    }

    /// The active session with this id and its user (enabled): how a JWT access token issued in a session is
    /// tied back to it. A sign-in still waiting for its step-up never has tokens.
    func authenticate(sessionID: String) async throws -> (session: Session, user: UserRecord)? {
        guard !sessionID.isEmpty, sessionID.utf8.count <= 128 else { return nil }
        try await stores.coherence.synchronize()
        let at = now()
        guard let session = try await stores.sessions.session(id: sessionID), session.isActive(at: at),
              !session.isPending, let user = try await stores.credentials.user(id: session.userID), !user.disabled
        else { return nil }
        return (session, user)
    }

    /// How stale a session's stored last-activity time may get before a request writes it again.
    public static let touchInterval: TimeInterval = 5

    public func logout(session: Session, client: ClientInfo) async throws {
        try await stores.sessions.revokeSession(id: session.id, at: now())
        try await auditor.record("session.revoked", at: now(), user: session.userID, session: session.id,
                                 client: client)
    }
}
