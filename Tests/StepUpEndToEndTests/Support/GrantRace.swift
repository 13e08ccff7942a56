import Foundation
import StepUpTestSupport

/// Steps up through `servers[1]` on a challenge `servers[0]` opened for `request`, then sends the request with
/// the grant `times` times at once, alternating between the servers: the verify status and every decision.
func stepUpAndRaceTheGrant(_ servers: [HTTP], token: String, request: [String: Any], code: String,
                           times: Int = 50) async throws -> (verified: HTTP.Reply, grant: String?, outcomes: [String?]) {
    let decided = try await servers[0].send(.POST, "/v1/decisions", token: token, json: request)
    guard let grant = (decided.json?["challenge"] as? [String: Any])?["id"] as? String else {
        return (decided, nil, [])
    }
    let verified = try await servers[1].send(.POST, "/v1/challenges/\(grant)/verify", token: token,
                                             json: ["factor": "totp", "code": code])
    var withGrant = request
    withGrant["grant"] = grant
    nonisolated(unsafe) let body = withGrant
    let outcomes = try await race(times) { index in
        try await servers[index % servers.count].send(.POST, "/v1/decisions", token: token, json: body)
            .json?["decision"] as? String
    }
    return (verified, grant, outcomes)
}
