import Foundation
import Testing
@testable import StepUpCore

@Suite("Restricted authenticators (SMS) in the policy", .timeLimit(.minutes(5)))
struct RestrictedFactorTests {
    static func warnings(_ combinations: String) -> [String] {
        let yaml = """
        version: 1
        levels:
          aal1: {combinations: [[any]], max_age: 30d, idle_timeout: 30d}
          aal2:
            combinations: \(combinations)
            max_age: 24h
            idle_timeout: 1h
        default: aal1
        rules: []
        """
        return Policy.check(yaml: yaml, file: "p.yaml").diagnostics.warnings.map(\.message)
    }

    @Test func smsIsTheOnlyRestrictedFactor() {
        #expect(FactorKind.known.filter(\.isRestricted) == [.smsOTP])
    }

    @Test func aLevelThatSMSCompletesAloneIsWarnedAbout() {
        let alone = Self.warnings("[[password, sms_otp]]")
        #expect(alone.contains { $0.contains("level 'aal2' relies on sms_otp alone") }, "\(alone)")
        let flagged = Self.warnings("[[password, {factors: [sms_otp]}], [webauthn]]")
        #expect(flagged.contains { $0.contains("relies on sms_otp alone") }, "\(flagged)")
    }

    @Test func smsBesideStrongerFactorsIsNotWarnedAbout() {
        let mixed = Self.warnings("[[password, {factors: [totp, sms_otp]}]]")
        #expect(!mixed.contains { $0.contains("alone") }, "\(mixed)")
        #expect(!Self.warnings("[[password, totp]]").contains { $0.contains("alone") })
    }

    @Test func theShippedPoliciesDoNotRelyOnSMSAlone() {
        for yaml in [Policy.defaultYAML, Policy.demoYAML] {
            let warnings = Policy.check(yaml: yaml, file: "p.yaml").diagnostics.warnings.map(\.message)
            #expect(!warnings.contains { $0.contains("restricted authenticator") })
        }
    }
}
