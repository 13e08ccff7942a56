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
        return Seeded(accounts: accounts, totpSecret: enrollment.secret, totpURI: enrollment.uri, recoveryCodes: codes)
    }

    /// Four random words-ish groups: easy to type, ~60 bits.
    static func randomPassword() -> String {
        let alphabet = Array("abcdefghijkmnpqrstuvwxyz23456789")
        var generator = SystemRandomNumberGenerator()
        return (0..<3).map { _ in String((0..<4).map { _ in alphabet.randomElement(using: &generator)! }) }
            .joined(separator: "-")
    }
}
