import Foundation
import StepUpCore
import Testing
@testable import StepUpOIDC

/// RFC 9396 `authorization_details`: parsing, validation against the client's types, the error shape (§5), the
/// binding's canonical form, display, and narrowing at the token endpoint (§6.1).
@Suite("Authorization details (RFC 9396)")
struct AuthorizationDetailsTests {
    static let payment = #"""
    [{"type":"payment_initiation","actions":["initiate"],"locations":["https://bank.example/payments"],
      "instructedAmount":{"currency":"EUR","amount":"123.50"},"creditorName":"Merchant A",
      "creditorAccount":{"iban":"DE02100100109307118603"},"remittanceInformationUnstructured":"Ref Number Merchant"}]
    """#
    static let allowed = ["payment_initiation", "account_information"]

    func parse(_ text: String) throws(OIDCError) -> AuthorizationDetails {
        try AuthorizationDetails.parse(text, allowedTypes: Self.allowed)
    }

    func refusal(_ text: String) -> OIDCError? {
        do {
            _ = try parse(text)
            return nil
        } catch {
            return error
        }
    }

    @Test func aPaymentParsesAndReadsWell() throws {
        let details = try parse(Self.payment)
        #expect(details.types == ["payment_initiation"])
        let display = details.display
        #expect(display["instructedAmount"] == "123.50 EUR")
        #expect(display["creditorName"] == "Merchant A")
        #expect(display["creditorAccount.iban"] == "DE02100100109307118603")
        #expect(display["actions"] == "initiate" && display["type"] == "payment_initiation")
        #expect(details.prompt(clientName: "Shop") == "Shop asks you to approve this payment initiation (details below).")
    }

    @Test func severalDetailsAreNumberedOnThePage() throws {
        let details = try parse(#"[{"type":"payment_initiation","x":[{"a":1},{"a":2}]},{"type":"account_information"}]"#)
        #expect(details.display == ["1. type": "payment_initiation", "1. x[1].a": "1", "1. x[2].a": "2",
                                    "2. type": "account_information"])
    }

    /// Names that flatten alike must not hide a value from the user.
    @Test func collidingNamesAreAllShown() throws {
        let details = try parse(#"[{"type":"payment_initiation","a.b":"X","a":{"b":"Y"}}]"#)
        let shown = details.display
        #expect(shown.count == 3 && Set([shown["a.b"], shown["a.b (2)"]]) == ["X", "Y"], "\(shown)")
    }

    /// Everything wrong is `invalid_authorization_details` (RFC 9396 §5), with a reason that says what.
    @Test(arguments: [
        ("not json", "JSON array"),
        (#"{"type":"payment_initiation"}"#, "non-empty JSON array"),
        ("[]", "non-empty JSON array"),
        (#"["payment_initiation"]"#, "not a JSON object"),
        (#"[{"amount":"1"}]"#, "no string type"),
        (#"[{"type":7}]"#, "no string type"),
        (#"[{"type":""}]"#, "no string type"),
        (#"[{"type":"wire_transfer"}]"#, "not allowed for this client"),
        (#"[{"type":"payment_initiation","actions":"initiate"}]"#, "actions must be an array of strings"),
        (#"[{"type":"payment_initiation","locations":[1]}]"#, "locations must be an array of strings"),
        (#"[{"type":"payment_initiation","identifier":["x"]}]"#, "identifier must be a string"),
        (#"[{"type":"payment_initiation","amount":1.00000000000000000000000000000000000001}]"#, "37 digits"),
        (#"[{"type":"payment_initiation","a":{"b":{"c":{"d":{"e":{"f":{"g":1}}}}}}}]"#, "nested"),
        (#"[{"type":"payment_initiation","creditorName":"ACME\u202Eetlam"}]"#, "invisible formatting"),
        (#"[{"type":"payment_initiation","creditorName":"AC\u200BME"}]"#, "invisible formatting"),
        (#"[{"type":"payment_initiation","remittance":"line\nbreak"}]"#, "control"),
        (#"[{"type":"payment_initiation","x\u0000":"1"}]"#, "control"),
    ])
    func badDetailsAreRefused(text: String, reason: String) throws {
        let error = try #require(refusal(text))
        #expect(error.error == "invalid_authorization_details")
        #expect(error.reason.contains(reason), "\(error.reason)")
        #expect(error.mayRedirect)
    }

    @Test func tooManyOrTooLongIsRefused() throws {
        let nine = "[" + Array(repeating: #"{"type":"payment_initiation"}"#, count: 9).joined(separator: ",") + "]"
        #expect(refusal(nine)?.reason.contains("at most 8") == true)
        let long = #"[{"type":"payment_initiation","x":""# + String(repeating: "a", count: 8_200) + #""}]"#
        #expect(refusal(long)?.error == "invalid_authorization_details")
    }

    /// At /authorize the error goes back to the verified redirect URI with `state` and `iss`.
    @Test func theAuthorizationErrorIsRedirected() throws {
        var query = Fixtures.query(["authorization_details": #"[{"type":"payment_initiation"}]"#])
        do {
            _ = try AuthorizationRequest.parse(query, client: Fixtures.lookup)
            Issue.record("a client without types accepted details")
        } catch {
            #expect(error.error.error == "invalid_authorization_details")
            let url = try #require(AuthorizationResponse.failure(error, issuer: "https://op.example"))
            #expect(url.hasPrefix("https://app.example/cb?error=invalid_authorization_details&error_description="))
            #expect(url.hasSuffix("&state=st-123&iss=https%3A%2F%2Fop.example"))
        }
        query = Fixtures.query(["authorization_details": Self.payment], client: "shop", redirect: "https://shop.example/cb")
        let request = try AuthorizationRequest.parse(query, client: Fixtures.lookup).0
        #expect(request.authorizationDetails?.types == ["payment_initiation"])
    }

    /// The binding is the core's canonical form: member order and whitespace do not matter, every value and its
    /// JSON type does.
    @Test func theCanonicalFormIsTheCoreBinding() throws {
        let details = try parse(#"[{"type":"payment_initiation","amount":"1.5","to":{"b":true,"a":null}}]"#)
        #expect(details.canonicalText == #"{"action":"oidc.authorize","fields":{"authorization_details":"#
            + #"[{"amount":"1.5","to":{"a":null,"b":true},"type":"payment_initiation"}]},"v":2}"#)
        let reordered = try parse(#" [ {"to":{"a":null,"b":true}, "amount":"1.5" ,"type":"payment_initiation"} ] "#)
        #expect(reordered.canonicalText == details.canonicalText)
        for other in [#"[{"type":"payment_initiation","amount":1.5,"to":{"b":true,"a":null}}]"#,
                      #"[{"type":"payment_initiation","amount":"1.50","to":{"b":true,"a":null}}]"#,
                      #"[{"type":"payment_initiation","amount":"1.5","to":{"b":"true","a":null}}]"#,
                      #"[{"type":"payment_initiation","amount":"1.5","to":{"b":true}}]"#] {
            #expect(try parse(other).canonicalText != details.canonicalText, "\(other)")
        }
        // A list of plain values writes the same text either way, so the new array case changes no old hash.
        #expect(CanonicalJSONText.text(.array([.attribute(.string("a")), .attribute(.number(1))]))
            == CanonicalJSONText.text(.attribute(.list([.string("a"), .number(1)]))))
    }

    /// Numbers survive exactly into the token's JSON: no rounding through a Double.
    @Test func numbersAreEncodedExactly() throws {
        let details = try parse(#"[{"type":"payment_initiation","a":0.1,"b":9007199254740993,"c":123.50,"d":-7}]"#)
        let text = String(decoding: try JSONEncoder().encode(details), as: UTF8.self)
        #expect(text.contains(#""a":0.1"#) && text.contains(#""b":9007199254740993"#) && text.contains(#""c":123.5"#)
            && text.contains(#""d":-7"#), "\(text)")
        #expect(try JSONDecoder().decode(AuthorizationDetails.self, from: Data(text.utf8)) == details)
    }

    /// RFC 9396 §6.1: the token request may narrow, never change or widen.
    @Test func tokenRequestsMayOnlyNarrow() throws {
        let two = try parse(#"[{"type":"payment_initiation","amount":"10"},{"type":"account_information"}]"#)
        #expect(try AuthorizationDetails.forToken(approved: two, requested: nil, allowedTypes: Self.allowed) == two)
        let one = try AuthorizationDetails.forToken(approved: two, requested: #"[{"type":"account_information"}]"#,
                                                    allowedTypes: Self.allowed)
        #expect(one?.types == ["account_information"])
        for tampered in [#"[{"type":"payment_initiation","amount":"1000"}]"#,
                         #"[{"type":"payment_initiation","amount":"10","creditor":"Mallory"}]"#] {
            #expect(throws: OIDCError.invalidAuthorizationDetails("")) {
                try AuthorizationDetails.forToken(approved: two, requested: tampered, allowedTypes: Self.allowed)
            }
        }
        #expect(throws: OIDCError.invalidAuthorizationDetails("")) {
            try AuthorizationDetails.forToken(approved: nil, requested: #"[{"type":"account_information"}]"#,
                                              allowedTypes: Self.allowed)
        }
    }

    @Test func tokensAndDiscoveryCarryThem() throws {
        let details = try parse(Self.payment)
        let session = Fixtures.session([(.password, 60), (.totp, 10)])
        let level = try #require(Fixtures.ladder["aal2"])
        let claims = AccessTokenClaims(issuer: "https://op.example", audience: "api", clientID: "shop", scopes: ["openid"],
                                       authentication: IssuedAuthentication(session: session, level: level, now: Fixtures.now),
                                       id: "jti", issuedAt: Fixtures.now, lifetime: 60, authorizationDetails: details)
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(claims)) as? [String: Any]
        let carried = try #require(json?["authorization_details"] as? [[String: Any]])
        #expect(carried.first?["creditorName"] as? String == "Merchant A")
        let metadata = ProviderMetadata(issuer: "https://op.example", ladder: Fixtures.ladder,
                                        authorizationDetailsTypes: ["b", "a", "b"])
        #expect(metadata.authorizationDetailsTypesSupported == ["a", "b"])
        let encoded = try JSONSerialization.jsonObject(with: JSONEncoder().encode(metadata)) as? [String: Any]
        #expect(encoded?["authorization_details_types_supported"] as? [String] == ["a", "b"])
    }
}
