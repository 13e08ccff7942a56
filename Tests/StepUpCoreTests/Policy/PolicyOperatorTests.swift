import Foundation
import Testing
@testable import StepUpCore

@Suite("Policy attribute operators", .timeLimit(.minutes(5)))
struct PolicyOperatorTests {
    struct Row: Sendable, CustomStringConvertible {
        var test: String
        var value: AttributeValue?
        var matches: Bool
        var description: String { "\(test) on \(value?.description ?? "absent") → \(matches)" }
    }

    static let rows: [Row] = [
        Row(test: "{equals: EUR}", value: .string("EUR"), matches: true),
        Row(test: "{equals: EUR}", value: .string("USD"), matches: false),
        Row(test: "{equals: EUR}", value: nil, matches: false),
        Row(test: "{'==': 1000}", value: .string("1000"), matches: true),
        Row(test: "EUR", value: .string("EUR"), matches: true),
        Row(test: "{not_equals: EUR}", value: .string("USD"), matches: true),
        Row(test: "{not_equals: EUR}", value: .string("EUR"), matches: false),
        Row(test: "{not_equals: EUR}", value: nil, matches: true),
        Row(test: "{in: [EUR, USD]}", value: .string("USD"), matches: true),
        Row(test: "{in: [EUR, USD]}", value: .string("GBP"), matches: false),
        Row(test: "[EUR, USD]", value: .string("EUR"), matches: true),
        Row(test: "{not_in: [EUR, USD]}", value: .string("GBP"), matches: true),
        Row(test: "{not_in: [EUR, USD]}", value: .string("EUR"), matches: false),
        Row(test: "{'>': 1000}", value: .number(1000.01), matches: true),
        Row(test: "{'>': 1000}", value: .number(1000), matches: false),
        Row(test: "{'>': 1000}", value: .string("1500.00"), matches: true),
        Row(test: "{'>': 1000}", value: .string("lots"), matches: false),
        Row(test: "{'>': 1000}", value: nil, matches: false),
        Row(test: "{gt: 1000}", value: .number(2000), matches: true),
        Row(test: "{'>=': 1000}", value: .number(1000), matches: true),
        Row(test: "{gte: 1000}", value: .number(999), matches: false),
        Row(test: "{'<': 10}", value: .number(9), matches: true),
        Row(test: "{lt: 10}", value: .number(10), matches: false),
        Row(test: "{'<=': 10}", value: .number(10), matches: true),
        Row(test: "{lte: 10}", value: .number(11), matches: false),
        Row(test: "{'>': 100, '<=': 200}", value: .number(150), matches: true),
        Row(test: "{'>': 100, '<=': 200}", value: .number(250), matches: false),
        Row(test: "{prefix: 'FR76'}", value: .string("FR7630006000011234567890189"), matches: true),
        Row(test: "{prefix: 'FR76'}", value: .string("DE89370400440532013000"), matches: false),
        Row(test: "{regex: '^[A-Z]{2}[0-9]{2}'}", value: .string("GB29NWBK60161331926819"), matches: true),
        Row(test: "{regex: '^[A-Z]{2}[0-9]{2}'}", value: .string("gb29"), matches: false),
        Row(test: "{regex: '^[A-Z]{2}[0-9]{2}'}", value: nil, matches: false),
        Row(test: "{exists: true}", value: .string("x"), matches: true),
        Row(test: "{exists: true}", value: nil, matches: false),
        Row(test: "{exists: false}", value: nil, matches: true),
        Row(test: "{exists: false}", value: .null, matches: true),
        Row(test: "{exists: false}", value: .bool(false), matches: false),
        Row(test: "true", value: .bool(true), matches: true),
        Row(test: "{equals: admin}", value: .list([.string("user"), .string("admin")]), matches: true),
    ]

    @Test(arguments: rows)
    func resourceOperator(_ row: Row) throws {
        let policy = try PolicyFixture.policy("""
        default: allow
        rules:
          - id: r
            match: {action: app.do, resource: {field: \(row.test)}}
            deny: matched
        """)
        let resource: Attributes = row.value.map { ["field": $0] } ?? [:]
        let result = policy.evaluate(PolicyFixture.input(resource: resource))
        #expect((result.outcome.denyReason == "matched") == row.matches)
    }

    @Test func scopesLookInTheirOwnPlaces() throws {
        let policy = try PolicyFixture.policy("""
        default: allow
        rules:
          - {id: tx, match: {transaction: {amount: {'>': 10}}}, deny: tx}
          - {id: ctx, match: {context: {country: FR, channel: web}}, deny: ctx}
          - {id: subj, match: {subject: {attributes: {department: finance}}}, deny: subj}
        """)
        var context = RequestContext(country: "FR", transaction: ["amount": .number(20)], attributes: ["channel": .string("web")])
        let subject = Subject(id: "u", username: "u", attributes: ["department": .string("finance")])
        #expect(policy.evaluate(PolicyFixture.input(context: context, subject: subject)).rules
            == ["tx", "ctx", "subj", "default"])
        context.transaction = [:]
        context.attributes["amount"] = .number(20)
        // `transaction:` only reads transaction fields; `context:` falls back to them.
        #expect(policy.evaluate(PolicyFixture.input(context: context)).rules == ["ctx", "default"])
    }
}
