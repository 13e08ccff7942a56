import Foundation
import Logging
import ServiceLifecycle
import StepUpCore
import StepUpGeo
import UnixSignals

/// Reloads the policy on SIGHUP and when its file changes. A new policy is parsed and validated first and
/// swapped in atomically; an invalid one leaves the running policy in place and is logged and audited.
struct PolicyReloader: Service {
    let path: String
    let holder: PolicyHolder
    /// Reputation lists are re-read on SIGHUP too.
    let lists: ReputationLists
    let service: StepUpService
    let logger: Logger
    var pollInterval: Duration = .seconds(2)

    func run() async throws {
        let hangups = await UnixSignalsSequence(trapping: .sighup)
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for await _ in hangups.cancelOnGracefulShutdown() {
                    await reload(reason: "SIGHUP")
                    let report = lists.reload()
                    logger.info("reputation lists reloaded", metadata: [
                        "loaded": "\(report.loaded)", "failed": "\(report.failed)",
                    ])
                }
            }
            group.addTask {
                var lastStamp = Self.stamp(path)
                while !Task.isCancelled && !Task.isShuttingDownGracefully {
                    try? await Task.sleep(for: pollInterval)
                    let stamp = Self.stamp(path)
                    if stamp != lastStamp {
                        lastStamp = stamp
                        await reload(reason: "file changed")
                    }
                }
            }
            try? await gracefulShutdown()
            group.cancelAll()
        }
    }

    /// Loads the file and swaps it in if valid; returns the outcome for the admin API.
    @discardableResult
    func reload(reason: String) async -> Result<String, StartupError> {
        do {
            let policy = try PolicyLoader.load(path: path)
            let previous = holder.current.version
            holder.replace(with: policy)
            logger.info("policy reloaded", metadata: ["version": "\(policy.version)", "reason": "\(reason)"])
            try? await service.auditor.record("policy.reloaded", at: service.now(), policyVersion: policy.version,
                                              details: ["previous": previous, "reason": reason])
            return .success(policy.version)
        } catch {
            let failure = (error as? StartupError) ?? StartupError(String(describing: error))
            logger.error("policy reload failed; keeping the running policy",
                         metadata: ["version": "\(holder.current.version)", "error": "\(failure.description)"])
            try? await service.auditor.record("policy.reload_failed", at: service.now(),
                                              policyVersion: holder.current.version,
                                              details: ["reason": reason, "error": failure.description])
            return .failure(failure)
        }
    }

    /// Modification time and size: cheap change detection without reading the file.
    static func stamp(_ path: String) -> String {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        let date = (attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        let size = (attributes?[.size] as? NSNumber)?.intValue ?? -1
        return "\(date)/\(size)"
    }
}
