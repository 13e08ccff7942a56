import Foundation
import StepUpCore
import StepUpStore
import StepUpTestSupport
import Testing

@Suite("Factors and recovery codes, every backend", .timeLimit(.minutes(5)))
struct FactorStoreConformanceTests {
    func totp(_ id: String, created: TimeInterval = 0) -> FactorRecord {
        FactorRecord(id: id, userID: "u1", kind: .totp, label: "phone \(id)", createdAt: at(created),
                     parameters: ["digits": "6", "period": "30"], sealedSecret: Data([1, 2, 3, 0, 255]))
    }

    @Test(arguments: Backend.allCases)
    func secretsOnlyThroughThePrivilegedRead(_ backend: Backend) async throws {
        try await withBackend(backend) { harness in
            let factors = harness.stores.factors
            try await makeUser(harness.stores)
            try await factors.addFactor(totp("f2", created: 10))
            try await factors.addFactor(totp("f1", created: 0))

            let listed = try await factors.factors(userID: "u1")
            #expect(listed.map(\.id) == ["f1", "f2"])
            #expect(listed.allSatisfy { $0.sealedSecret == nil })
            #expect(listed.first?.parameters == ["digits": "6", "period": "30"])
            #expect(listed.first?.status == .pending)

            #expect(try await factors.factor(id: "f1") == totp("f1"))
            #expect(try await factors.factor(id: "f1")?.sealedSecret == Data([1, 2, 3, 0, 255]))
            #expect(try await factors.factor(id: "nope") == nil)
            #expect(try await factors.factors(userID: "someone-else").isEmpty)
        }
    }

    @Test(arguments: Backend.allCases)
    func activateRemoveAndMissingUser(_ backend: Backend) async throws {
        try await withBackend(backend) { harness in
            let factors = harness.stores.factors
            try await makeUser(harness.stores)
            try await factors.addFactor(totp("f1"))
            await #expect(throws: StoreError.conflict("factor f1")) { try await factors.addFactor(totp("f1")) }
            try await factors.activateFactor(id: "f1")
            #expect(try await factors.factor(id: "f1")?.status == .active)
            try await factors.removeFactor(id: "f1")
            #expect(try await factors.factor(id: "f1") == nil)
            await #expect(throws: StoreError.notFound("factor f1")) { try await factors.removeFactor(id: "f1") }
            await #expect(throws: StoreError.notFound("factor f1")) { try await factors.activateFactor(id: "f1") }

            var orphan = totp("f9")
            orphan.userID = "ghost"
            await #expect(throws: StoreError.notFound("user ghost")) { try await factors.addFactor(orphan) }
        }
    }

    @Test(arguments: Backend.allCases)
    func acceptedStepRefusesReplaysAndOlderSteps(_ backend: Backend) async throws {
        try await withBackend(backend) { harness in
            let factors = harness.stores.factors
            try await makeUser(harness.stores)
            try await factors.addFactor(totp("f1"))
            #expect(try await factors.recordAcceptedStep(factorID: "f1", step: 100, at: at(60)))
            #expect(try await factors.recordAcceptedStep(factorID: "f1", step: 100, at: at(61)) == false)
            #expect(try await factors.recordAcceptedStep(factorID: "f1", step: 99, at: at(62)) == false)
            #expect(try await factors.recordAcceptedStep(factorID: "f1", step: 101, at: at(90)))
            let stored = try await factors.factor(id: "f1")
            #expect(stored?.lastAcceptedStep == 101)
            #expect(stored?.lastUsedAt == at(90))
            await #expect(throws: StoreError.notFound("factor nope")) {
                try await factors.recordAcceptedStep(factorID: "nope", step: 1, at: t0)
            }
        }
    }

    @Test(arguments: Backend.allCases)
    func racingVerificationsOfOneCodeHaveOneWinner(_ backend: Backend) async throws {
        try await withBackend(backend) { harness in
            let factors = harness.stores.factors
            try await makeUser(harness.stores)
            try await factors.addFactor(totp("f1"))
            for step in Int64(1)...3 {
                let wins = try await race(24) { _ in
                    try await factors.recordAcceptedStep(factorID: "f1", step: step, at: t0)
                }
                #expect(wins.filter { $0 }.count == 1, "step \(step)")
            }
            #expect(try await factors.factor(id: "f1")?.lastAcceptedStep == 3)
        }
    }

    /// A passkey: renamed by its user, used without a counter (most passkeys report 0), or with a signature
    /// counter that must move forward like an OTP step.
    @Test(arguments: Backend.allCases)
    func passkeysAreRenamedAndUsed(_ backend: Backend) async throws {
        try await withBackend(backend) { harness in
            let factors = harness.stores.factors
            try await makeUser(harness.stores)
            let passkey = FactorRecord(id: "wa_1", userID: "u1", kind: .webauthn, label: "Passkey", status: .active,
                                       createdAt: t0, parameters: ["credential_id": "AQID", "backup_eligible": "true"])
            try await factors.addFactor(passkey)
            #expect(try await factors.factors(userID: "u1").first?.label == "Passkey")
            try await factors.renameFactor(id: "wa_1", label: "Work laptop 🔑")
            try await factors.recordFactorUse(id: "wa_1", at: at(30))
            let listed = try #require(try await factors.factors(userID: "u1").first)
            #expect(listed.label == "Work laptop 🔑" && listed.lastUsedAt == at(30) && listed.lastAcceptedStep == nil)
            #expect(listed.parameters == passkey.parameters && listed.kind == .webauthn)
            #expect(try await factors.recordAcceptedStep(factorID: "wa_1", step: 7, at: at(40)))
            #expect(try await factors.recordAcceptedStep(factorID: "wa_1", step: 7, at: at(41)) == false)
            #expect(try await factors.factor(id: "wa_1")?.lastUsedAt == at(40))
            await #expect(throws: StoreError.notFound("factor nope")) {
                try await factors.renameFactor(id: "nope", label: "x")
            }
            await #expect(throws: StoreError.notFound("factor nope")) {
                try await factors.recordFactorUse(id: "nope", at: t0)
            }
            // One id per credential: a second registration of the same credential is a conflict.
            await #expect(throws: StoreError.conflict("factor wa_1")) { try await factors.addFactor(passkey) }
        }
    }

    @Test(arguments: Backend.allCases)
    func recoveryCodesAreSingleUseAndReplacedAsASet(_ backend: Backend) async throws {
        try await withBackend(backend) { harness in
            let codes = harness.stores.recoveryCodes
            try await makeUser(harness.stores)
            let first = (0..<3).map {
                RecoveryCodeRecord(id: "r\($0)", userID: "u1", hash: "h\($0)", createdAt: at(Double($0)))
            }
            try await codes.replaceRecoveryCodes(userID: "u1", with: first)
            #expect(try await codes.unusedRecoveryCodes(userID: "u1") == first)

            #expect(try await codes.consumeRecoveryCode(id: "r1", at: at(100)))
            #expect(try await codes.consumeRecoveryCode(id: "r1", at: at(101)) == false)
            #expect(try await codes.consumeRecoveryCode(id: "nope", at: at(101)) == false)
            #expect(try await codes.unusedRecoveryCodes(userID: "u1").map(\.id) == ["r0", "r2"])

            let second = [RecoveryCodeRecord(id: "n0", userID: "u1", hash: "x", createdAt: at(200))]
            try await codes.replaceRecoveryCodes(userID: "u1", with: second)
            #expect(try await codes.unusedRecoveryCodes(userID: "u1") == second)
            #expect(try await codes.consumeRecoveryCode(id: "r0", at: at(201)) == false)
            await #expect(throws: StoreError.notFound("user ghost")) {
                try await codes.replaceRecoveryCodes(userID: "ghost", with: [])
            }
        }
    }

    @Test(arguments: Backend.allCases)
    func racingUsesOfOneRecoveryCodeHaveOneWinner(_ backend: Backend) async throws {
        try await withBackend(backend) { harness in
            let codes = harness.stores.recoveryCodes
            try await makeUser(harness.stores)
            try await codes.replaceRecoveryCodes(userID: "u1", with: [
                RecoveryCodeRecord(id: "r0", userID: "u1", hash: "h", createdAt: t0),
            ])
            let wins = try await race(24) { index in
                try await codes.consumeRecoveryCode(id: "r0", at: at(Double(index)))
            }
            #expect(wins.filter { $0 }.count == 1)
            #expect(try await codes.unusedRecoveryCodes(userID: "u1").isEmpty)
        }
    }
}
