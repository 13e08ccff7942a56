import Foundation
import Synchronization

/// Clients sending decisions in a loop, remembering every decision acknowledged (200 with a `decision_id`): the
/// load of the crash tests. A client stops at its first transport error (its server is gone).
final class DecisionLoad: Sendable {
    let ids = Mutex(Set<String>())
    let failures = Mutex(0)

    var acknowledged: Int { ids.withLock { $0.count } }

    /// Starts `clients` looping clients against `http` until cancelled or cut off.
    func start(_ http: HTTP, token: String, clients: Int) -> Task<Void, any Error> {
        Task {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<clients {
                    group.addTask {
                        while !Task.isCancelled {
                            guard let reply = try? await http.send(.POST, "/v1/decisions", token: token,
                                                                   json: ["action": "reports.view"])
                            else {
                                self.failures.withLock { $0 += 1 }
                                return
                            }
                            if reply.status == 200, let id = reply.json?["decision_id"] as? String {
                                _ = self.ids.withLock { $0.insert(id) }
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
    }
}
