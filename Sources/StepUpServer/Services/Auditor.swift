import Foundation
import Logging
import StepUpCore

/// Writes audit events; a failure to audit fails the action (fail closed).
struct Auditor: Sendable {
    let store: any AuditStore
    let logger: Logger
    /// Every event carries the policy version in force, unless the caller names the one that decided.
    let policyVersion: @Sendable () -> String

    func record(_ type: String, at now: Date, user: String? = nil, session: String? = nil, client: ClientInfo? = nil,
                policyVersion: String? = nil, details: [String: String] = [:]) async throws {
        let event = draft(type, at: now, user: user, session: session, client: client, policyVersion: policyVersion,
                          details: details)
        try await store.append(event)
        logged(event)
    }

    /// The event `record` would append, for a caller that commits it with other writes.
    func draft(_ type: String, at now: Date, user: String? = nil, session: String? = nil, client: ClientInfo? = nil,
               policyVersion: String? = nil, details: [String: String] = [:]) -> AuditEventDraft {
        AuditEventDraft(type: type, at: now, userID: user, sessionID: session, ip: client?.ip,
                        policyVersion: policyVersion ?? self.policyVersion(), details: details)
    }

    /// Logs an event once it is committed; decisions at debug level (at the edge there is one per request, and
    /// the audit log has them all).
    func logged(_ event: AuditEventDraft) {
        logger.log(level: event.type.hasPrefix("decision.") ? .debug : .info, "audit", metadata: [
            "event": .string(event.type), "user": .string(event.userID ?? "-"), "ip": .string(event.ip ?? "-"),
        ])
    }
}

extension Decision {
    /// The decision's reasons as flat audit details.
    var auditDetails: [String: String] {
        var details = [
            "outcome": outcome.rawValue, "reason": reason, "rules": rules.joined(separator: ","),
            "risk_band": risk.band.rawValue, "risk_score": String(risk.score),
        ]
        if !risk.signals.isEmpty {
            details["risk_signals"] = risk.signals.map { "\($0.name): \($0.evidence)" }.joined(separator: "; ")
        }
        if let requirement {
            details["required_level"] = requirement.level
            if let maxAge = requirement.maxAge { details["max_age"] = String(Int(maxAge)) }
        }
        return details
    }
}
