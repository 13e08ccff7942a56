import Hummingbird
import Mustache
import NIOCore

/// Renders the server-side pages: a page template inside the shared layout. Mustache escapes every `{{value}}`.
struct PageRenderer: Sendable {
    private let library: MustacheLibrary

    init() throws {
        var library = MustacheLibrary()
        for (name, text) in PageTemplates.all {
            try library.register(text, named: name)
        }
        self.library = library
    }

    /// Pages that run WebAuthn ceremonies and so load `/static/webauthn.js`; the others carry no script at all.
    static let scripted: Set<String> = ["login", "stepup", "passkey"]

    func html(_ template: String, title: String, _ data: [String: Any] = [:], status: HTTPResponse.Status = .ok,
              user: String? = nil, csrf: String? = nil) -> Response {
        // Mustache treats "" as truthy; drop empty strings so `{{#error}}…{{/error}}` sections stay hidden.
        var data = data.filter { !(($0.value as? String)?.isEmpty ?? false) }
        data["csrf"] = csrf ?? ""
        let body = library.render(data, withTemplate: template) ?? ""
        let page = library.render(["title": title, "content": body, "user": user ?? "", "signedIn": user != nil,
                                   "csrf": csrf ?? "", "script": Self.scripted.contains(template)] as [String: Any],
                                  withTemplate: "layout") ?? body
        return Response(
            status: status,
            headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: page))
        )
    }
}
