import Foundation
import StepUpCore
import Synchronization

/// OpenID Provider records in memory (a separate lock: they never take part in another store's transaction).
extension MemoryStore: OIDCRecordStore {
    struct OIDCKey: Hashable {
        var kind: String
        var id: String
    }

    public func putOIDCRecord(_ record: OIDCRecord) async throws {
        oidc.withLock { $0[OIDCKey(kind: record.kind, id: record.id)] = record }
    }

    public func oidcRecord(kind: String, id: String) async throws -> OIDCRecord? {
        oidc.withLock { $0[OIDCKey(kind: kind, id: id)] }
    }

    public func oidcRecords(kind: String) async throws -> [OIDCRecord] {
        oidc.withLock { records in records.values.filter { $0.kind == kind }.sorted { $0.id < $1.id } }
    }

    public func removeOIDCRecord(kind: String, id: String) async throws -> Bool {
        oidc.withLock { $0.removeValue(forKey: OIDCKey(kind: kind, id: id)) != nil }
    }

    public func takeOIDCRecord(kind: String, id: String, at: Date) async throws -> OIDCRecord? {
        oidc.withLock { records in
            let key = OIDCKey(kind: kind, id: id)
            guard let record = records[key], record.revokedAt == nil, record.expiresAt.map({ at < $0 }) ?? true
            else { return nil }
            records[key] = nil
            return record
        }
    }

    public func swapOIDCRecord(kind: String, id: String, expectedSecretHash: String, newSecretHash: String,
                               body: String, at: Date) async throws -> Bool {
        oidc.withLock { records in
            let key = OIDCKey(kind: kind, id: id)
            guard var record = records[key], record.secretHash == expectedSecretHash, record.revokedAt == nil,
                  record.expiresAt.map({ at < $0 }) ?? true
            else { return false }
            record.secretHash = newSecretHash
            record.body = body
            records[key] = record
            return true
        }
    }

    public func revokeOIDCRecords(kind: String, id: String?, sessionID: String?, at: Date) async throws -> Int {
        oidc.withLock { records in
            var changed = 0
            for (key, record) in records where key.kind == kind && record.revokedAt == nil
                && (id == nil || key.id == id) && (sessionID == nil || record.sessionID == sessionID)
                && (id != nil || sessionID != nil) {
                records[key]?.revokedAt = at
                changed += 1
            }
            return changed
        }
    }
}
