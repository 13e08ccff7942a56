import Foundation
import Hummingbird
import StepUpCore

/// "Acme Bank": a tiny app that asks StepUp before each sensitive action, to show step-up in a browser.
/// It calls the same `decide` the JSON API uses, so what it shows is what an integrating app gets.
struct DemoBankRoutes: Sendable {
    let service: StepUpService
    let web: WebSupport
    let pages: PageRoutes

    func register(on router: Router<StepUpRequestContext>) {
        let router = pages.signedInPages(router)
        guarded(router, "bank.balance.view").get("demo", use: home)
        router.get("demo/transfer", use: confirmTransfer)
        router.post("demo/transfer", use: transfer)
        guarded(router, "bank.export").get("demo/export", use: export)
        guarded(router, "admin.console.view").get("demo/admin", use: admin)
    }

    /// Routes the policy guards with `action`: the handler runs only when it allows, with the signed-in session.
    private func guarded(_ router: RouterGroup<StepUpRequestContext>, _ action: String)
        -> RouterGroup<StepUpRequestContext>
    {
        router.group().add(middleware: DecisionMiddleware(
            service: service, web: web, surface: PageDecisionSurface(action: action, pages: pages, home: "/demo",
                                                                  homeText: "Back to Acme Bank")))
    }

    @Sendable func home(_ request: Request, context: StepUpRequestContext) async throws -> Response {
        let (session, user) = try context.requireSession()
        return web.pages.html("bank", title: "Acme Bank", ["balance": "12,480.50 EUR"], user: user.username,
                              csrf: pages.csrf(session))
    }

    /// After a step-up for a transfer: show the transfer again with the grant, to be sent with one click.
    @Sendable func confirmTransfer(_ request: Request, context: StepUpRequestContext) async throws -> Response {
        guard let (session, user) = pages.browserSession(request, context) else {
            return pages.toLogin(request, context)
        }
        let query = request.uri.queryParameters
        let grant = query.get("grant") ?? ""
        var fields = ["amount": "", "currency": "", "payee": ""]
        if let challenge = try await service.challenge(id: grant, for: session) {
            for key in fields.keys { fields[key] = challenge.display[key] ?? query.get(key) ?? "" }
        } else {
            for key in fields.keys { fields[key] = query.get(key) ?? "" }
        }
        var data: [String: Any] = fields
        data["grant"] = grant
        return web.pages.html("transfer", title: "Confirm transfer", data, user: user.username,
                              csrf: pages.csrf(session))
    }

    @Sendable func transfer(_ request: Request, context: StepUpRequestContext) async throws -> Response {
        try await pages.postedForm(request, context) { session, user, form in
            let amount = form["amount"]?.replacingOccurrences(of: ",", with: "") ?? ""
            guard let value = Double(amount), value > 0, value < 1e12 else {
                return message(session, user, "Invalid amount", "Enter an amount such as 250.00.", status: .badRequest)
            }
            let currency = String((form["currency"] ?? "EUR").prefix(3))
            let payee = String((form["payee"] ?? "").prefix(80))
            let action = ActionRequest(action: "bank.transfer", context: RequestContext(transaction: [
                "amount": .number(value), "currency": .string(currency), "payee": .string(payee),
            ]))
            let outcome = try await service.decide(action, grant: form["grant"], session: session, user: user,
                                                   request, context, web: web)
            switch outcome.decision.outcome {
            case .allow:
                return message(session, user, "Transfer sent",
                               "Sent \(AttributeValue.number(value)) \(currency) to \(payee).")
            case .deny:
                return message(session, user, "Transfer refused", outcome.decision.reason, status: .forbidden)
            case .stepUp:
                guard let stepUp = outcome.stepUp else { return message(session, user, "Refused", "", status: .forbidden) }
                var next = SafeRedirect.appendingQuery("/demo/transfer", name: "amount", value: amount)
                next = SafeRedirect.appendingQuery(next, name: "currency", value: currency)
                next = SafeRedirect.appendingQuery(next, name: "payee", value: payee)
                return WebSupport.redirect(SafeRedirect.appendingQuery("/step-up/\(stepUp.challenge.id)",
                                                                       name: "next", value: next))
            }
        }
    }

    @Sendable func export(_ request: Request, context: StepUpRequestContext) async throws -> Response {
        let (session, user) = try context.requireSession()
        let data = "date,description,amount\n2026-11-02,Salary,3200.00\n2026-11-05,Rent,-1150.00\n"
        return web.pages.html("export", title: "Your data", ["data": data], user: user.username,
                              csrf: pages.csrf(session))
    }

    @Sendable func admin(_ request: Request, context: StepUpRequestContext) async throws -> Response {
        let (session, user) = try context.requireSession()
        return message(session, user, "Admin area", "Welcome, administrator.")
    }

    private func message(_ session: Session, _ user: UserRecord, _ heading: String, _ text: String,
                         status: HTTPResponse.Status = .ok) -> Response {
        web.pages.html("message", title: heading, ["heading": heading, "text": text, "link": "/demo",
                                                   "linkText": "Back to Acme Bank"],
                       status: status, user: user.username, csrf: pages.csrf(session))
    }
}
