import Crypto
import Foundation
import Hummingbird
import StepUpCore
import StepUpCrypto

/// `/healthz`: the process answers. `/readyz`: the database can be read *and written*, and a policy is loaded.
struct HealthRoutes: Sendable {
    let service: StepUpService
    /// `nil`: `/metrics` is not served.
    let metricsToken: String?
    /// The store's round trips so far (reads, writes), exported as gauges.
    let roundTrips: (@Sendable () -> StoreActivity)?
    /// Commits a write that changes nothing (`nil`: readiness checks reads only).
    var writeProbe: (@Sendable () async throws -> Void)? = nil

    /// Compares digests, so the time taken says nothing about how much of the token was right.
    static func equal(_ presented: String, _ expected: String) -> Bool {
        SHA256.hash(data: Data(presented.utf8)) == SHA256.hash(data: Data(expected.utf8))
    }

    func register(on router: Router<StepUpRequestContext>) {
        router.get("healthz") { _, _ in "ok\n" }
        router.get("metrics") { request, _ -> Response in
            guard let expected = metricsToken else {
                throw Problem(.notFound, type: "metrics-disabled", title: "Metrics are not served",
                              detail: "set metrics.token in stepup.yaml (or STEPUP_METRICS_TOKEN) to serve /metrics")
            }
            guard let token = request.headers[.authorization].flatMap(Authenticator.bearerToken),
                  Self.equal(token, expected)
            else {
                throw Problem(.unauthorized, type: "unauthenticated", title: "Metrics need a token",
                              detail: "send the metrics token as 'Authorization: Bearer <token>'",
                              headers: [.wwwAuthenticate: "Bearer realm=\"stepup-metrics\""])
            }
            if let roundTrips {
                service.metrics.storeActivity(roundTrips())
            }
            service.metrics.hashingCatchUps(service.crypto.pool.escalations)
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                            body: .init(byteBuffer: .init(string: service.metrics.exposition())))
        }
        router.get("readyz") { _, _ -> Response in
            do {
                _ = try await service.stores.audit.auditEvents(after: .max, limit: 1)
            } catch {
                return Self.unready("database cannot be read\n")
            }
            do {
                try await writeProbe?()
            } catch {
                return Self.unready("database cannot be written\n")
            }
            return Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8", .cacheControl: "no-store"],
                            body: .init(byteBuffer: .init(string: "ready\n")))
        }
    }

    private static func unready(_ text: String) -> Response {
        Response(status: .serviceUnavailable,
                 headers: [.retryAfter: String(Problem.storageRetrySeconds), .cacheControl: "no-store",
                           .contentType: "text/plain; charset=utf-8"],
                 body: .init(byteBuffer: .init(string: text)))
    }
}
