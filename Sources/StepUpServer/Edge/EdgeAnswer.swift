import Foundation
import HTTPTypes
import Hummingbird
import StepUpCore

/// The non-allow answers of forward auth and the gateway, shaped for the proxy and the client.
struct EdgeAnswer {
    let original: ForwardedRequest
    let browser: Bool
    let nginx: Bool
    let publicURL: String

    func signIn() -> Response {
        guard browser else {
            return problem(.unauthorized, type: "unauthenticated", title: "Not signed in",
                           detail: "send a StepUp session token as 'Authorization: Bearer <token>'",
                           authenticate: "Bearer realm=\"stepup\"")
        }
        return redirect(SafeRedirect.appendingQuery(publicURL + "/login", name: "next", value: original.url))
    }

    /// To the step-up page, which sends the browser to `next` (default: the original URL) once it is done.
    func redirect(toStepUp id: String, next: String? = nil) -> Response {
        redirect(SafeRedirect.appendingQuery(publicURL + "/step-up/" + id, name: "next", value: next ?? original.url))
    }

    func stepUp(_ stepUp: StepUpOutcome) -> Response {
        guard browser else {
            var header = "Bearer error=\"insufficient_user_authentication\", "
                + "error_description=\"A stronger or more recent authentication is required\""
            if let acr = stepUp.acr { header += ", acr_values=\"\(acr)\"" }
            if let maxAge = stepUp.challenge.requirement.maxAge { header += ", max_age=\(Int(maxAge))" }
            return problem(.unauthorized, type: "step-up-required", title: "Step-up required",
                           challenge: stepUp.challenge.id,
                           detail: "confirm with a second factor at \(stepUp.challenge.id) (POST /v1/challenges/"
                               + "\(stepUp.challenge.id)/verify), then retry with the header 'StepUp-Grant: "
                               + "\(stepUp.challenge.id)'",
                           authenticate: header,
                           extra: ["challenge_id": .string(stepUp.challenge.id),
                                   "level": .string(stepUp.challenge.requirement.level),
                                   "challenge_url": .string("/v1/challenges/\(stepUp.challenge.id)")])
        }
        var response = redirect(toStepUp: stepUp.challenge.id)
        response.headers[Self.challengeHeader] = stepUp.challenge.id
        return response
    }

    /// The challenge to complete, for clients behind a proxy that keeps only headers (nginx's `auth_request`).
    static let challengeHeader = HTTPField.Name("StepUp-Challenge")!

    /// A 302 for Caddy, Traefik and the gateway; a 401 carrying the target in `Location` for nginx (see
    /// ``ForwardAuthRoutes``).
    func redirect(_ location: String) -> Response {
        Response(status: nginx ? .unauthorized : .found, headers: [.location: location, .cacheControl: "no-store"])
    }

    private func problem(_ status: HTTPResponse.Status, type: String, title: String, challenge: String? = nil,
                         detail: String, authenticate: String, extra: [String: Problem.Member] = [:]) -> Response {
        var headers: HTTPFields = [.wwwAuthenticate: authenticate]
        if let challenge { headers[Self.challengeHeader] = challenge }
        return Problem(status, type: type, title: title, detail: detail, extra: extra, headers: headers).response()
    }
}

extension EdgeAnswer {
    /// The answer for an edge request with no usable session: a browser whose sign-in waits for its step-up is
    /// sent to that step-up; everyone else to sign in.
    func noSession(_ authentication: Authentication?) -> Response {
        if let authentication, let pending = authentication.session.pendingChallengeID,
           authentication.credential == .cookie {
            return redirect(toStepUp: pending)
        }
        return signIn()
    }

    /// The grant an edge request presents for a bound or fresh step-up (API clients; browsers come back with it
    /// in the URL).
    static let grantHeader = HTTPField.Name("StepUp-Grant")!
}

extension StepUpService {
    /// How the edge answers `request` (a browser is one that accepts HTML).
    func edgeAnswer(_ request: Request, original: ForwardedRequest, nginx: Bool) -> EdgeAnswer {
        EdgeAnswer(original: original, browser: request.headers[.accept]?.contains("text/html") ?? false,
                   nginx: nginx, publicURL: configuration.http.publicURL.trimmingSuffix("/"))
    }
}
