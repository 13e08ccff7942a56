import Foundation
import StepUpCore
import NIOCore

// The JSON shapes of the API. Explicit coding keys keep the wire format stable and snake_case.

struct LoginBody: Decodable {
    var username: String
    var password: String
    var otp: String?
    /// A label the client chooses for itself; it never identifies a device.
    var deviceID: String?
    /// The secret StepUp handed out at an earlier sign-in (`device_secret` in its answer).
    var deviceSecret: String?
    var deviceProof: DeviceProofBody?
    enum CodingKeys: String, CodingKey {
        case username, password, otp, deviceID = "device_id", deviceSecret = "device_secret",
             deviceProof = "device_proof"
    }
}

/// A signature over a nonce from `GET /v1/devices/nonce` with the device's P-256 key.
struct DeviceProofBody: Decodable {
    var publicKey: String
    var nonce: String
    var signature: String
    enum CodingKeys: String, CodingKey { case publicKey = "public_key", nonce, signature }
}

struct DeviceView: Encodable {
    var id: String
    var label: String
    var firstSeen: Date
    var lastSeen: Date
    var trustedUntil: Date?
    var revoked: Bool
    var current: Bool
    enum CodingKeys: String, CodingKey {
        case id, label, firstSeen = "first_seen", lastSeen = "last_seen", trustedUntil = "trusted_until", revoked,
             current
    }

    init(_ record: DeviceRecord, current: String?) {
        id = record.deviceID
        label = record.label
        firstSeen = record.firstSeen
        lastSeen = record.lastSeen
        trustedUntil = record.trustedUntil
        revoked = record.revoked
        self.current = record.deviceID == current
    }
}

struct DecisionBody: Decodable {
    var action: String
    var resource: Attributes?
    var context: ContextBody?
    /// A satisfied challenge id, presented to complete an action that needed a fresh or bound step-up.
    var grant: String?
    var explain: Bool?

    struct ContextBody: Decodable {
        var transaction: Attributes?
        var attributes: Attributes?
        /// Accepted for compatibility and ignored: a decision never names its device.
        var deviceID: String?
        enum CodingKeys: String, CodingKey { case transaction, attributes, deviceID = "device_id" }
    }
}

extension DecisionBody: FlatJSONDecodable {
    /// The common flat body (`action`, and perhaps `grant` and `explain`) read without `JSONDecoder`
    /// (``FlatJSONObject``); nil for anything else, which the decoder then reads.
    static func flat(_ bytes: ByteBufferView) -> DecisionBody? {
        guard let members = FlatJSONObject.parse(bytes, allowed: ["action", "grant", "explain"]),
              case .string(let action)? = members["action"]
        else { return nil }
        var body = DecisionBody(action: action)
        switch members["grant"] {
        case nil: break
        case .string(let grant)?: body.grant = grant
        default: return nil
        }
        switch members["explain"] {
        case nil: break
        case .bool(let explain)?: body.explain = explain
        default: return nil
        }
        return body
    }
}

struct VerifyBody: Decodable {
    var factor: String
    /// The one-time code (`totp`, `recovery_code`).
    var code: String?
    /// Needed when the challenge says `password_required`.
    var password: String?
    /// `webauthn`: the ceremony from `POST /v1/challenges/{id}/webauthn` and the browser's assertion.
    var ceremony: String?
    var credential: WebAuthnCredentialJSON?
}

struct CodeBody: Decodable {
    var code: String
}

struct SessionView: Encodable {
    var id: String
    var user: UserView
    var level: String?
    var acr: String?
    var amr: [String]
    var authTime: Date?
    var createdAt: Date
    var expiresAt: Date
    var events: [EventView]

    struct UserView: Encodable {
        var id: String
        var username: String
        var displayName: String
        var roles: [String]
        enum CodingKeys: String, CodingKey { case id, username, displayName = "display_name", roles }
    }

    struct EventView: Encodable {
        var factor: String
        var at: Date
        var bound: Bool
    }

    enum CodingKeys: String, CodingKey {
        case id, user, level, acr, amr, authTime = "auth_time", createdAt = "created_at", expiresAt = "expires_at",
             events
    }

    init(session: Session, user: UserRecord, ladder: LevelLadder, now: Date) {
        let level = session.effectiveLevel(in: ladder, at: now)
        id = session.id
        self.user = UserView(id: user.id, username: user.username, displayName: user.displayName, roles: user.roles)
        self.level = level?.name
        acr = level?.acr
        amr = session.amr
        authTime = session.authTime
        createdAt = session.createdAt
        expiresAt = session.expiresAt
        events = session.events.map { EventView(factor: $0.factor.rawValue, at: $0.at, bound: $0.bindingHash != nil) }
    }
}

struct ChallengeView: Encodable {
    var id: String
    var status: String
    var action: String
    var level: String
    var acr: String?
    var maxAge: Int?
    var allowedFactors: [String]?
    var availableFactors: [String]
    var message: String?
    var display: [String: String]
    var expiresAt: Date
    var attemptsLeft: Int
    /// The password must be sent with the code (`password` in the verify body).
    var passwordRequired: Bool
    var verifyURL: String
    /// Where to get WebAuthn options (`POST`), when a passkey can complete the challenge.
    var webAuthnURL: String?
    /// Where to ask for a code to be sent (`POST {"factor": "email_otp" | "sms_otp"}`), when an out-of-band code can complete
    /// the challenge.
    var codesURL: String?
    var pageURL: String

    enum CodingKeys: String, CodingKey {
        case id, status, action, level, acr, maxAge = "max_age", allowedFactors = "allowed_factors",
             availableFactors = "available_factors", message, display, expiresAt = "expires_at",
             attemptsLeft = "attempts_left", passwordRequired = "password_required", verifyURL = "verify_url",
             webAuthnURL = "webauthn_options_url", codesURL = "codes_url", pageURL = "page_url"
    }

    init(_ outcome: StepUpOutcome, ladder: LevelLadder) {
        let challenge = outcome.challenge
        id = challenge.id
        status = challenge.status.rawValue
        action = challenge.action
        level = challenge.requirement.level
        acr = ladder[challenge.requirement.level]?.acr
        maxAge = challenge.requirement.maxAge.map { Int($0) }
        allowedFactors = challenge.requirement.allowedFactors?.sorted().map(\.rawValue)
        availableFactors = outcome.availableFactors.map(\.rawValue)
        message = outcome.message
        display = challenge.display
        expiresAt = challenge.expiresAt
        attemptsLeft = challenge.attemptsLeft
        passwordRequired = outcome.needsPassword
        verifyURL = "/v1/challenges/\(challenge.id)/verify"
        webAuthnURL = outcome.availableFactors.contains(.webauthn) ? "/v1/challenges/\(challenge.id)/webauthn" : nil
        codesURL = outcome.availableFactors.contains(where: { $0 == .emailOTP || $0 == .smsOTP })
            ? "/v1/challenges/\(challenge.id)/codes" : nil
        pageURL = outcome.pageURL
    }
}

struct DecisionView: Encodable {
    var decisionID: String
    var decision: String
    var reason: String
    var rules: [String]
    var policyVersion: String
    var risk: RiskView
    var requirement: RequirementView?
    var challenge: ChallengeView?
    var explanation: PolicyExplanation?

    /// Callers see the band and the names of the signals; the score and the evidence (places, distances,
    /// counts) go to administrators (`explain`) and the audit log.
    struct RiskView: Encodable {
        var score: Double?
        var band: String
        var signals: [SignalView]
    }

    struct SignalView: Encodable {
        var name: String
        var weight: Double?
        var evidence: String?
    }


    struct RequirementView: Encodable {
        var level: String
        var acr: String?
        var maxAge: Int?
        var allowedFactors: [String]?
        var bind: [String]
        enum CodingKeys: String, CodingKey {
            case level, acr, maxAge = "max_age", allowedFactors = "allowed_factors", bind
        }
    }

    enum CodingKeys: String, CodingKey {
        case decisionID = "decision_id", decision, reason, rules, policyVersion = "policy_version", risk,
             requirement, challenge, explanation
    }

    init(_ outcome: DecisionOutcome, ladder: LevelLadder) {
        let decision = outcome.decision
        decisionID = outcome.decisionID
        self.decision = decision.outcome.rawValue
        reason = decision.reason
        rules = decision.rules
        policyVersion = decision.policyVersion
        risk = RiskView(decision.risk, full: outcome.explanation != nil)
        requirement = decision.requirement.map {
            RequirementView(level: $0.level, acr: ladder[$0.level]?.acr, maxAge: $0.maxAge.map { Int($0) },
                            allowedFactors: $0.allowedFactors?.sorted().map(\.rawValue), bind: $0.bind)
        }
        challenge = outcome.stepUp.map { ChallengeView($0, ladder: ladder) }
        explanation = outcome.explanation
    }
}

extension DecisionView.RiskView {
    /// `full` (administrators asking for an explanation) adds the score, weights and evidence.
    init(_ assessment: RiskAssessment, full: Bool) {
        score = full ? assessment.score : nil
        band = assessment.band.rawValue
        signals = assessment.signals.map {
            DecisionView.SignalView(name: $0.name, weight: full ? $0.weight : nil, evidence: full ? $0.evidence : nil)
        }
    }
}

struct FactorView: Encodable {
    var id: String
    var kind: String
    var label: String
    var status: String
    var createdAt: Date
    var lastUsedAt: Date?
    /// For a passkey: what it is (never a secret; the public key stays in StepUp).
    var webAuthn: PasskeyView?
    enum CodingKeys: String, CodingKey {
        case id, kind, label, status, createdAt = "created_at", lastUsedAt = "last_used_at", webAuthn = "webauthn"
    }

    init(_ record: FactorRecord) {
        id = record.id
        kind = record.kind.rawValue
        label = record.label
        status = record.status.rawValue
        createdAt = record.createdAt
        lastUsedAt = record.lastUsedAt
        webAuthn = Passkey(record).map(PasskeyView.init)
    }

    struct PasskeyView: Encodable {
        var credentialID: String
        /// BE: a synced (multi-device) passkey, `swk`, aal2 at most; otherwise device-bound (`hwk`, can reach aal3).
        var synced: Bool
        var aaguid: String
        var transports: [String]
        var attestation: String
        var signCount: UInt32
        enum CodingKeys: String, CodingKey {
            case credentialID = "credential_id", synced, aaguid, transports, attestation, signCount = "sign_count"
        }

        init(_ passkey: Passkey) {
            credentialID = passkey.credentialID
            synced = passkey.synced
            aaguid = passkey.record.parameters["aaguid"] ?? ""
            transports = passkey.transports
            attestation = passkey.record.parameters["attestation_format"] ?? "none"
            signCount = passkey.signCount
        }
    }
}
