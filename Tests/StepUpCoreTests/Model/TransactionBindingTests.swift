import Foundation
import Testing
@testable import StepUpCore

@Suite("Transaction binding", .timeLimit(.minutes(5)))
struct TransactionBindingTests {
    func request(_ transaction: Attributes, action: String = "bank.transfer") -> ActionRequest {
        ActionRequest(action: action, context: RequestContext(transaction: transaction))
    }

    @Test func canonicalFormIsOrderIndependentAndCoversFields() {
        let a = TransactionBinding(fields: ["payee", "amount"], request: request(["amount": .number(1500), "payee": "ACME"]))
        let b = TransactionBinding(fields: ["amount", "payee"], request: request(["payee": "ACME", "amount": .number(1500)]))
        #expect(a.canonical(action: "bank.transfer") == b.canonical(action: "bank.transfer"))
        #expect(a.values == ["amount": "1500", "payee": "ACME"])
    }

    @Test func anyChangedValueOrActionChangesTheText() {
        let fields = ["amount", "payee"]
        let base = TransactionBinding(fields: fields, request: request(["amount": .number(1500), "payee": "ACME"]))
        let other = TransactionBinding(fields: fields, request: request(["amount": .number(15000), "payee": "ACME"]))
        let payee = TransactionBinding(fields: fields, request: request(["amount": .number(1500), "payee": "Mallory"]))
        let text = base.canonical(action: "bank.transfer")
        #expect(text != other.canonical(action: "bank.transfer"))
        #expect(text != payee.canonical(action: "bank.transfer"))
        #expect(text != base.canonical(action: "bank.transfer.internal"))
    }

    @Test func valuesCannotBeShiftedBetweenFields() {
        let one = TransactionBinding(fields: ["a", "b"], request: request(["a": "x=1:y", "b": ""]))
        let two = TransactionBinding(fields: ["a", "b"], request: request(["a": "x", "b": "y"]))
        #expect(one.canonical(action: "t") != two.canonical(action: "t"))
    }

    @Test func messageTemplatesFillBoundValues() {
        let requirement = Requirement(level: "aal2", message: "Approve {{amount}} {{ currency }} to {{payee}}{{unknown}}")
        #expect(requirement.renderedMessage(with: ["amount": "1500", "currency": "EUR", "payee": "ACME"])
            == "Approve 1500 EUR to ACME")
        #expect(Requirement(level: "aal2", message: "broken {{amount").renderedMessage(with: [:]) == "broken {{amount")
    }
}
