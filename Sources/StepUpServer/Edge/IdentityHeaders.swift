import Foundation
import HTTPTypes
import StepUpCore

/// Who the user is and how strongly and recently they proved it, as the headers forward auth answers with and
/// the gateway adds to the upstream request. Every header is present, empty when there is nothing to say: a
/// proxy that copies an absent header may pass on a client's own copy, or (Caddy 2.6) a placeholder.
struct IdentityHeaders: Sendable {
    /// The configured names, parsed once (user, groups, name, e-mail, level, acr, auth time); a name that is not
    /// a valid header name was refused when the configuration was read.
    private let user, groups, name, email, level, acr, authTime: HTTPField.Name?

    init(settings: ServerConfiguration.ForwardAuth) {
        user = HTTPField.Name(settings.userHeader)
        groups = HTTPField.Name(settings.groupsHeader)
        name = HTTPField.Name(settings.nameHeader)
        email = HTTPField.Name(settings.emailHeader)
        level = HTTPField.Name(settings.levelHeader)
        acr = HTTPField.Name(settings.acrHeader)
        authTime = HTTPField.Name(settings.authTimeHeader)
    }

    /// The configured header names, for stripping whatever a client sent under them.
    var names: [HTTPField.Name] { [user, groups, name, email, level, acr, authTime].compactMap { $0 } }

    func fields(session: Session, user record: UserRecord, ladder: LevelLadder, now: Date)
        -> [(HTTPField.Name, String)]
    {
        let effective = session.effectiveLevel(in: ladder, at: now)
        let values: [(HTTPField.Name?, String?)] = [
            (user, record.username),
            (groups, record.roles.joined(separator: ",")),
            (name, record.displayName),
            (email, record.username.contains("@") ? record.username : nil),
            (level, effective?.name),
            (acr, effective?.acr),
            (authTime, session.events.map(\.at).max().map { String(Int($0.timeIntervalSince1970)) }),
        ]
        return values.compactMap { name, value in name.map { ($0, value ?? "") } }
    }
}
