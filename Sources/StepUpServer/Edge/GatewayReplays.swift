import Foundation
import HTTPTypes
import NIOCore
import Synchronization

/// Requests a browser sent that needed a step-up first (a form POST to a protected path): kept until the step-up
/// is done, then sent once — the user approves the very request they made, bound fields and all.
///
/// Kept in this process's memory for the challenge's lifetime (at most 10,000 at once): with several StepUp
/// instances, the instance that stepped the request up must also receive the replay (sticky sessions), or the
/// user resubmits.
final class GatewayReplays: Sendable {
    struct Pending: Sendable {
        var sessionID: String
        var method: HTTPRequest.Method
        var target: String
        var host: String
        var headers: HTTPFields
        var body: ByteBuffer?
        var expires: Date
    }

    private let pending = Mutex<[String: Pending]>([:])
    static let capacity = 10_000

    func keep(_ request: Pending, challenge: String, now: Date) {
        pending.withLock { pending in
            if pending.count >= Self.capacity { pending = pending.filter { $0.value.expires > now } }
            if pending.count < Self.capacity { pending[challenge] = request }
        }
    }

    /// The request kept for `challenge`, once, if it belongs to `sessionID` and has not expired.
    func take(challenge: String, sessionID: String, now: Date) -> Pending? {
        pending.withLock { pending in
            guard let found = pending[challenge], found.sessionID == sessionID else { return nil }
            pending[challenge] = nil
            return found.expires > now ? found : nil
        }
    }
}
