import Hummingbird
import Logging

/// The reference for `stepup bench decisions`: a Hummingbird 2 application with one handler that does what a
/// decision endpoint cannot avoid — read a small JSON body and answer a small JSON body — and nothing else.
public enum BareHandler {
    public static func application(port: Int, onListening: @escaping @Sendable (Int) -> Void)
        -> some ApplicationProtocol
    {
        let router = Router()
        router.post("v1/decisions") { request, context -> Response in
            _ = try await request.body.collect(upTo: 64 * 1024)
            return Response(status: .ok, headers: [.contentType: "application/json"],
                            body: .init(byteBuffer: .init(string: #"{"decision":"allow","reason":"bare"}"#)))
        }
        // The application behind `stepup bench edge`'s proxies: any GET, a small page.
        router.get("**") { _, _ -> Response in
            Response(status: .ok, headers: [.contentType: "text/plain"], body: .init(byteBuffer: .init(string: "ok\n")))
        }
        var logger = Logger(label: "bare-handler")
        logger.logLevel = .critical
        return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)),
                           onServerRunning: { onListening($0.localAddress?.port ?? 0) }, logger: logger)
    }
}
