import Foundation
import StepUpCore

/// Reads and validates a policy file; any error comes back as `file:line:col: message` lines.
public enum PolicyLoader {
    /// - Parameter reputationLists: the list names `network.reputation_lists` configures (policies may name them).
    public static func load(path: String, reputationLists: Set<String>? = nil) throws -> Policy {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw StartupError("\(path):1:1: error: cannot read the policy file (run `stepup init` to create one)")
        }
        let text = String(decoding: data, as: UTF8.self)
        do {
            return try Policy.load(yaml: text, file: path, reputationLists: reputationLists)
        } catch let error as PolicyError {
            throw StartupError("the policy is invalid; StepUp keeps refusing to start until it is fixed:\n" +
                               error.diagnostics.description)
        }
    }
}
