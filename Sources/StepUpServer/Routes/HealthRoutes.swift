import Hummingbird
import StepUpCore

/// `/healthz`: the process answers. `/readyz`: the database answers and a policy is loaded.
struct HealthRoutes: Sendable {
    let service: StepUpService

    func register(on router: Router<StepUpRequestContext>) {
        router.get("healthz") { _, _ in "ok\n" }
        router.get("metrics") { _, _ -> Response in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                     body: .init(byteBuffer: .init(string: service.metrics.exposition())))
        }
        router.get("readyz") { _, _ -> Response in
            do {
                _ = try await service.stores.audit.auditEvents(after: .max, limit: 1)
                return Response(status: .ok, body: .init(byteBuffer: .init(string: "ready\n")))
            } catch {
                return Response(status: .serviceUnavailable, body: .init(byteBuffer: .init(string: "database unavailable\n")))
            }
        }
    }
}
