import Foundation
import Testing
@testable import StepUpCore

@Suite("Action names and request validation", .timeLimit(.minutes(5)))
struct ActionRequestValidationTests {
    @Test(arguments: ["a", "payments.transfer", "admin.users.delete", "A-Z_0:9", "a.b-c.d_e:f",
                      String(repeating: "a", count: 200), "x." + String(repeating: "b", count: 198)])
    func validNames(name: String) {
        #expect(ActionName.isValid(name))
    }

    @Test(arguments: ["", ".", "..", ".a", "a.", "a..b", "a.b.", "a b", "a/b", "a*b", "a\tb", "a\nb", "é",
                      "a\u{0}", "pay%2Etransfer", "a,b", String(repeating: "a", count: 201), "ａ", "a\u{200B}b"])
    func invalidNames(name: String) {
        #expect(!ActionName.isValid(name))
    }

    @Test func shadowedNamesAreFoundAndRefused() {
        let context = RequestContext(transaction: ["amount": 15000, "payee": "ACME", "z": 1],
                                     attributes: ["amount": 1, "z": 2, "channel": "web"])
        let request = ActionRequest(action: "bank.transfer", context: context)
        #expect(request.shadowedNames() == ["amount", "z"])
        #expect(throws: ActionRequestError.shadowed(["amount", "z"])) { try request.validate() }
        do {
            try request.validate()
        } catch {
            #expect(error.isShadowed && !error.isInvalidAction)
            #expect(error.shadowedNames == ["amount", "z"])
            #expect(error.reason.contains("'amount', 'z'") && error.reason.contains("send each name once"))
        }
    }

    @Test func invalidActionsAreRefusedFirst() {
        let context = RequestContext(transaction: ["amount": 1], attributes: ["amount": 2])
        #expect(throws: ActionRequestError.invalidAction) {
            try ActionRequest(action: "a..b", context: context).validate()
        }
        #expect(ActionRequestError.invalidAction.isInvalidAction && !ActionRequestError.invalidAction.isShadowed)
        #expect(ActionRequestError.invalidAction.shadowedNames.isEmpty)
    }

    @Test func cleanRequestsPass() throws {
        let context = RequestContext(transaction: ["amount": 1], attributes: ["channel": "web"])
        try ActionRequest(action: "bank.transfer", resource: ["amount": 2], context: context).validate()
        #expect(ActionRequest(action: "a", context: context).shadowedNames().isEmpty)
    }

    /// The attack from issue #8: `attributes.amount: 1` beside `transaction.amount: 15000`.
    @Test func conditionsAndBindingReadOneValue() throws {
        let policy = try PolicyFixture.policy("""
        default: allow
        rules:
          - id: large
            match: {action: bank.transfer, context: {amount: {'>': 10000}}}
            require: {level: aal2, bind: [amount]}
        """)
        var context = RequestContext(transaction: ["amount": 15000], attributes: ["channel": "web"])
        let input = PolicyFixture.input("bank.transfer", context: context)
        #expect(policy.evaluate(input).outcome.level == "aal2")
        #expect(input.request.context.value(named: "amount") == 15000)
        // Sent twice, the request is denied outright rather than judged on either value.
        context.attributes["amount"] = 1
        let shadowed = policy.evaluate(PolicyFixture.input("bank.transfer", context: context))
        #expect(shadowed.outcome.denyReason?.contains("'amount'") == true && shadowed.rules.isEmpty)
        #expect(policy.explain(PolicyFixture.input("bank.transfer", context: context)).outcome == "deny")
    }

    @Test func caseFilesReportShadowedNamesAndBadActions() {
        let parsed = PolicyTestCases.parse(yaml: """
        - name: shadowed
          action: bank.transfer
          context:
            transaction: {amount: 15000}
            attributes: {amount: 1}
          expect: {outcome: deny}
        - name: top-level attribute
          action: bank.transfer
          context: {transaction: {payee: ACME}, payee: Mallory}
          expect: {outcome: deny}
        - name: bad action
          action: bank..transfer
          expect: {outcome: deny}
        """, file: "c.yaml", now: PolicyFixture.now)
        let errors = parsed.diagnostics.items.map(\.description)
        #expect(errors.count == 3, "\(errors)")
        #expect(errors.first?.hasPrefix("c.yaml:5:18: error: 'amount' is sent both") == true, "\(errors)")
        #expect(errors.dropFirst().first?.hasPrefix("c.yaml:9:41: error: 'payee' is sent both") == true, "\(errors)")
        #expect(errors.last?.hasPrefix("c.yaml:12:11: error: 'bank..transfer' is not a valid action name") == true,
                "\(errors)")
    }
}
