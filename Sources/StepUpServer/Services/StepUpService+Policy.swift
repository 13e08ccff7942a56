import Foundation
import Logging
import StepUpCore

extension StepUpService {
    /// Re-reads the policy file: validated first, swapped in atomically, or — when invalid — the running policy
    /// stays and the errors are logged and audited. Used by the file watcher, SIGHUP and the admin API.
    public func reloadPolicy(reason: String) async -> PolicyReload {
        let path = configuration.policyFile
        let result: PolicyReload
        if let data = FileManager.default.contents(atPath: path) {
            result = policy.reload(yaml: String(decoding: data, as: UTF8.self), file: path)
        } else {
            result = .unreadable(file: path, runningVersion: policy.version)
        }
        metrics.policyReload(applied: result.applied)
        if result.applied {
            logger.info("policy reloaded", metadata: ["version": "\(result.version)", "reason": "\(reason)"])
        } else {
            logger.error("policy reload failed; keeping the running policy", metadata: [
                "version": "\(result.version)", "reason": "\(reason)", "errors": "\(result.diagnostics.description)",
            ])
        }
        try? await auditor.record(result.applied ? "policy.reloaded" : "policy.reload_failed", at: now(),
                                  policyVersion: result.version,
                                  details: ["reason": reason, "previous": result.previousVersion,
                                            "diagnostics": result.diagnostics.description])
        return result
    }
}
