import Foundation
import StepUpCore

/// What `/authorize` does next for a session and a requirement: issue a code, or run only the missing ceremony.
public enum AuthorizationStep: Sendable, Hashable {
    /// The session meets the requirement: issue at this authentication.
    case issue(IssuedAuthentication)
    /// No usable session, or a fresh login is demanded: the sign-in page.
    case login
    /// Signed in, but not at the level or not recently enough: only the step-up ceremony.
    case stepUp(level: Level, maxAge: TimeInterval?)

    /// Decides the next step.
    ///
    /// - Parameters:
    ///   - session: the browser's session, if any.
    ///   - requestStartedAt: when the authorization request first arrived; with `prompt=login`/`max_age=0` only
    ///     authentications after it count.
    ///   - promptNone: `prompt=none`: any interaction becomes `login_required` / `interaction_required`.
    public static func decide(
        session: Session?, requirement: AuthenticationRequirement, ladder: LevelLadder,
        requestStartedAt: Date, promptNone: Bool, now: Date
    ) throws(OIDCError) -> AuthorizationStep {
        guard let session, session.isActive(at: now), !session.isPending,
              let effective = session.effectiveLevel(in: ladder, at: now)
        else {
            if promptNone { throw .loginRequired("the user is not signed in") }
            return .login
        }
        if requirement.forcesLogin && !session.events.contains(where: { $0.at >= requestStartedAt }) {
            if promptNone { throw .loginRequired("max_age=0 requires a new sign-in") }
            return .login
        }
        let required = requirement.level
        guard effective.rank >= required.rank,
              session.satisfies(required, at: now, maxAge: requirement.maxAge)
        else {
            if promptNone { throw .interactionRequired("the request needs \(required.acr) and a step-up") }
            return .stepUp(level: required, maxAge: requirement.maxAge)
        }
        return .issue(IssuedAuthentication(session: session, level: effective, now: now))
    }
}

/// The authentication a token describes: frozen when the code is issued, carried unchanged through refreshes
/// (RFC 9470 §6.1: a refreshed token keeps the original `acr` and `auth_time`).
public struct IssuedAuthentication: Sendable, Hashable, Codable {
    public var subject: String
    public var sessionID: String
    /// The level's name on the ladder (`aal2`), and its `acr` URI.
    public var levelName: String
    public var acr: String
    public var amr: [String]
    public var authTime: Date
    /// The events that earned the level, so that a refresh can tell which level is still fresh.
    public var events: [AuthenticationEvent]

    public init(session: Session, level: Level, now: Date) {
        let fresh = session.events.filter { now.timeIntervalSince($0.at) <= level.maxAge }
        subject = session.userID
        sessionID = session.id
        levelName = level.name
        acr = level.acr
        var seen = Set<String>()
        amr = fresh.flatMap(\.traits.amr).filter { seen.insert($0).inserted }
        authTime = (fresh.map(\.at).max() ?? now).wholeSeconds
        events = fresh
    }

    public init(subject: String, sessionID: String, level: Level, amr: [String], authTime: Date,
                events: [AuthenticationEvent]) {
        self.subject = subject
        self.sessionID = sessionID
        levelName = level.name
        acr = level.acr
        self.amr = amr
        self.authTime = authTime.wholeSeconds
        self.events = events
    }
}

extension Date {
    /// JWT dates are whole seconds (NumericDate, RFC 7519 §2).
    public var wholeSeconds: Date { Date(timeIntervalSince1970: timeIntervalSince1970.rounded(.down)) }
}
