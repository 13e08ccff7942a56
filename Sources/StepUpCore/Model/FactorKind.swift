/// A way to prove identity. The set is open (a policy may name a factor a later release adds),
/// but every kind StepUp verifies is listed in ``FactorKind/known``.
public struct FactorKind: RawRepresentable, Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }

    public static let password = FactorKind("password")
    public static let totp = FactorKind("totp")
    public static let hotp = FactorKind("hotp")
    public static let webauthn = FactorKind("webauthn")
    public static let push = FactorKind("push")
    public static let smsOTP = FactorKind("sms_otp")
    public static let emailOTP = FactorKind("email_otp")
    public static let recoveryCode = FactorKind("recovery_code")

    public static let known: [FactorKind] = [
        .password, .totp, .hotp, .webauthn, .push, .smsOTP, .emailOTP, .recoveryCode,
    ]

    public var description: String { rawValue }
    public static func < (lhs: FactorKind, rhs: FactorKind) -> Bool { lhs.rawValue < rhs.rawValue }

    /// What a use of this factor proves, before any per-event detail. For WebAuthn this is the most a credential can
    /// prove without user verification (a device-bound key); every assertion's event carries the traits its own flags
    /// earn instead: UV adds `user_verified` and `mfa`, a synced passkey (BE set) is `swk` and not hardware-bound.
    public var traits: FactorTraits {
        switch self {
        case .password: return FactorTraits(amr: ["pwd"], replayResistant: false)
        case .totp: return FactorTraits(amr: ["otp"], replayResistant: true)
        case .hotp: return FactorTraits(amr: ["otp"], replayResistant: true)
        case .webauthn:
            return FactorTraits(amr: ["hwk"], phishingResistant: true, replayResistant: true, hardwareBound: true)
        case .push: return FactorTraits(amr: ["mca"], replayResistant: true)
        case .smsOTP: return FactorTraits(amr: ["sms", "otp"], replayResistant: true)
        case .emailOTP: return FactorTraits(amr: ["otp"], replayResistant: true)
        case .recoveryCode: return FactorTraits(amr: ["otp"], replayResistant: true)
        default: return FactorTraits(amr: [], replayResistant: false)
        }
    }
}

/// Properties of one factor use; RFC 8176 `amr` values plus the NIST SP 800-63B flags policies ask about.
public struct FactorTraits: Sendable, Hashable, Codable {
    public var amr: [String]
    public var phishingResistant: Bool
    public var replayResistant: Bool
    public var userVerified: Bool
    public var hardwareBound: Bool

    public init(
        amr: [String],
        phishingResistant: Bool = false,
        replayResistant: Bool,
        userVerified: Bool = false,
        hardwareBound: Bool = false
    ) {
        self.amr = amr
        self.phishingResistant = phishingResistant
        self.replayResistant = replayResistant
        self.userVerified = userVerified
        self.hardwareBound = hardwareBound
    }
}
