import Foundation
import HTTPTypes
import StepUpCore

/// Who the user is and how strongly and recently they proved it, as the headers forward auth answers with and
/// the gateway adds to the upstream request. Every header is present, empty when there is nothing to say: a
/// proxy that copies an absent header may pass on a client's own copy, or (Caddy 2.6) a placeholder.
struct IdentityHeaders: Sendable {
    let settings: ServerConfiguration.ForwardAuth

    /// The configured header names, for stripping whatever a client sent under them.
    var names: [HTTPField.Name] {
        [settings.userHeader, settings.groupsHeader, settings.nameHeader, settings.emailHeader, settings.levelHeader,
         settings.acrHeader, settings.authTimeHeader].compactMap { HTTPField.Name($0) }
    }

    func fields(session: Session, user: UserRecord, ladder: LevelLadder, now: Date) -> [(HTTPField.Name, String)] {
        let level = session.effectiveLevel(in: ladder, at: now)
        let values: [(String, String?)] = [
            (settings.userHeader, user.username),
            (settings.groupsHeader, user.roles.joined(separator: ",")),
            (settings.nameHeader, user.displayName),
            (settings.emailHeader, user.username.contains("@") ? user.username : nil),
            (settings.levelHeader, level?.name),
            (settings.acrHeader, level?.acr),
            (settings.authTimeHeader, session.events.map(\.at).max().map { String(Int($0.timeIntervalSince1970)) }),
        ]
        return values.compactMap { name, value in HTTPField.Name(name).map { ($0, value ?? "") } }
    }
}
