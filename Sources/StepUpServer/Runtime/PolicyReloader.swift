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
    /// Reputation lists are re-read on SIGHUP too.
    let lists: ReputationLists
    let service: StepUpService
    let logger: Logger
    var pollInterval: Duration = .seconds(2)
    /// The file's stamp when the running policy was read: an edit made between loading and starting the
    /// watcher is still seen as a change.
    let loadedStamp: String

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
                var lastStamp = loadedStamp
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

    func reload(reason: String) async {
        _ = await service.reloadPolicy(reason: reason)
    }

    /// Modification time and size: cheap change detection without reading the file.
    static func stamp(_ path: String) -> String {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        let date = (attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        let size = (attributes?[.size] as? NSNumber)?.intValue ?? -1
        return "\(date)/\(size)"
    }
}
