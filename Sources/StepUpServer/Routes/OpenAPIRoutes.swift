import Hummingbird
import NIOCore

/// `GET /openapi.json`: the API contract (``OpenAPIDocument``), for clients and contract-testing tools.
enum OpenAPIRoutes {
    static func register(on router: Router<StepUpRequestContext>) {
        let body = ByteBuffer(string: OpenAPIDocument.json)
        router.get("openapi.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json", .cacheControl: "public, max-age=300"],
                     body: .init(byteBuffer: body))
        }
    }
}
