import Foundation
import HTTPTypes
import Hummingbird
import Logging
import StepUpCore
import NIOCore

/// Turns every error into a clear answer: `application/problem+json` for the API, a readable page for browsers.
/// Errors that are not ours are logged and answered with a generic 500 that leaks nothing.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = StepUpRequestContext
    let pages: PageRenderer

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch {
            let problem: Problem
            switch error {
            case let found as Problem:
                problem = found
            case let error as StepUpError:
                problem = error.stepUp.map(Problem.stepUpRequired) ?? Problem(error)
            case let http as HTTPError:
                problem = Problem(http.status, type: "http-\(http.status.code)", title: http.status.reasonPhrase,
                                  detail: http.status == .notFound ? "no such endpoint: \(request.method) \(request.uri.path)"
                                      : (http.body ?? http.status.reasonPhrase),
                                  headers: http.headers)
            case let store as StoreError where !store.isNotFound && !store.isConflict:
                context.logger.error("storage failure", metadata: ["error": "\(store.reason)",
                                                                   "path": "\(request.uri.path)"])
                problem = .storageUnavailable
            case let response as any HTTPResponseError:
                problem = Problem(response.status, type: "http-\(response.status.code)",
                                  title: response.status.reasonPhrase, detail: response.status.reasonPhrase)
            default:
                context.logger.error("unhandled error", metadata: ["error": "\(String(reflecting: error))",
                                                                   "path": "\(request.uri.path)"])
                problem = .internalError
            }
            if wantsHTML(request) {
                var page = pages.html("message", title: problem.title,
                                  ["heading": problem.title, "text": problem.detail, "link": "/",
                                   "linkText": "Go to the start page"], status: problem.status)
                if let retryAfter = problem.headers[.retryAfter] { page.headers[.retryAfter] = retryAfter }
                return page
            }
            return try problem.response(from: request, context: context)
        }
    }

    private func wantsHTML(_ request: Request) -> Bool {
        guard !request.uri.path.hasPrefix("/v1/"), !request.uri.path.hasPrefix("/auth/") else { return false }
        return request.headers[.accept]?.contains("text/html") ?? false
    }
}

/// Security headers on every response; a strict Content-Security-Policy (no inline script or style).
struct SecurityHeadersMiddleware: RouterMiddleware {
    typealias Context = StepUpRequestContext
    let maxBodyBytes: Int
    /// The headers every response gets, built once (field names and values are checked when made). The content
    /// security policy lets forms post to StepUp itself, whose answers may redirect to the hosts forward auth
    /// protects (`form-action` also governs where a form submission's redirects may lead).
    let fields: [HTTPField]

    init(maxBodyBytes: Int, returnHosts: [HostPattern] = []) {
        self.maxBodyBytes = maxBodyBytes
        let targets = (["'self'"] + returnHosts.map { "\($0):*" }).joined(separator: " ")
        let contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; frame-ancestors 'none'; "
            + "form-action \(targets); base-uri 'none'"
        fields = [
            HTTPField(name: .xContentTypeOptions, value: "nosniff"),
            HTTPField(name: HTTPField.Name("X-Frame-Options")!, value: "DENY"),
            HTTPField(name: HTTPField.Name("Referrer-Policy")!, value: "no-referrer"),
            HTTPField(name: .contentSecurityPolicy, value: contentSecurityPolicy),
        ]
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        var context = context
        context.maxUploadSize = maxBodyBytes
        if let length = request.headers[.contentLength].flatMap(Int.init), length > maxBodyBytes {
            throw Problem.tooLarge(maxBodyBytes)
        }
        var response = try await next(request, context)
        for field in fields {
            // Ours replace any the response carries (a proxied upstream's, say).
            if response.headers.contains(field.name) { response.headers[field.name] = nil }
            response.headers.append(field)
        }
        return response
    }
}
