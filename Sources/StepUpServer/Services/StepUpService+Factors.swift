import Foundation
import StepUpCore

extension StepUpService {
    /// A factor of `user`'s, or `notFound` (never another user's).
    func ownFactor(_ factorID: String, of user: UserRecord) async throws -> FactorRecord {
        guard !factorID.isEmpty, factorID.count <= 128,
              let record = try await stores.factors.factors(userID: user.id).first(where: { $0.id == factorID })
        else { throw StepUpError.notFound("factor '\(factorID.prefix(64))'") }
        return record
    }

    /// Renames one of the user's factors (a passkey's name on the account page). Not a sensitive change: the name
    /// proves nothing.
    public func renameFactor(user: UserRecord, factorID: String, name: String?, client: ClientInfo) async throws {
        let record = try await ownFactor(factorID, of: user)
        guard let label = try Self.passkeyLabel(name) else {
            throw StepUpError.invalidRequest("give the factor a name (1 to 64 characters)")
        }
        try await stores.factors.renameFactor(id: record.id, label: label)
        try await auditor.record("factor.renamed", at: now(), user: user.id, client: client,
                                 details: ["factor": record.id, "kind": record.kind.rawValue])
    }

    /// Removes one of the user's factors. The caller has asked the policy first
    /// (``authorizeFactorChange(session:user:client:grantID:)``): removing a factor is a sensitive change.
    public func removeFactor(user: UserRecord, factorID: String, session: Session, client: ClientInfo) async throws {
        let record = try await ownFactor(factorID, of: user)
        try await stores.factors.removeFactor(id: record.id)
        var details = ["factor": record.id, "kind": record.kind.rawValue]
        if let credential = record.parameters["credential_id"] { details["credential_id"] = credential }
        try await auditor.record("factor.removed", at: now(), user: user.id, session: session.id, client: client,
                                 details: details)
    }
}
