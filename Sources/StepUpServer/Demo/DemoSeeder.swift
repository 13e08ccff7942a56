import Foundation
import StepUpCore

/// Seeds the demo users: `alice` (a customer with an authenticator app already enrolled) and `admin`.
public enum DemoSeeder {
    public struct Account: Sendable {
        public var username: String
        public var password: String
        public var roles: [String]
    }

    public struct Seeded: Sendable {
        public var accounts: [Account]
        /// alice's TOTP secret (base32) and key URI, for an authenticator app or `oathtool --totp -b`.
        public var totpSecret: String
        public var totpURI: String
        public var recoveryCodes: [String]
        /// alice's e-mail address for e-mail codes, when an e-mail channel is configured (the demo's file channel).
        public var email: String?
    }

    public static func seed(service: StepUpService) async throws -> Seeded {
        let accounts = [
            Account(username: "alice", password: randomPassword(), roles: ["customer"]),
            Account(username: "admin", password: randomPassword(), roles: ["admin", "customer"]),
        ]
        var users: [UserRecord] = []
        for account in accounts {
            users.append(try await service.createUser(username: account.username, password: account.password,
                                                      displayName: account.username.capitalized, roles: account.roles))
        }
        let client = ClientInfo(ip: "127.0.0.1", userAgent: "stepup demo seeder")
        let alice = users[0]
        let enrollment = try await service.startTOTPEnrollment(user: alice, client: client)
        try await service.stores.factors.activateFactor(id: enrollment.factorID)
        let codes = try await service.regenerateRecoveryCodes(user: alice, client: client)
        var email: String?
        if service.emailEnabled {
            // Seeded as verified (like the TOTP factor); the verification message still lands in the mail folder.
            let sent = try await service.startEmailEnrollment(user: alice, address: "alice@example.com", client: client)
            try await service.stores.factors.activateFactor(id: sent.factorID)
            email = "alice@example.com"
        }
        return Seeded(accounts: accounts, totpSecret: enrollment.secret, totpURI: enrollment.uri, recoveryCodes: codes,
                      email: email)
    }

    /// Four random words-ish groups: easy to type, ~60 bits.
    static func randomPassword() -> String {
        let alphabet = Array("abcdefghijkmnpqrstuvwxyz23456789")
        var generator = SystemRandomNumberGenerator()
        return (0..<3).map { _ in String((0..<4).map { _ in alphabet.randomElement(using: &generator)! }) }
            .joined(separator: "-")
    }
}
