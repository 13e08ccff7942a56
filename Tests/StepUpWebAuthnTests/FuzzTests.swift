import Foundation
import StepUpTestSupport
import Testing

@testable import StepUpWebAuthn

/// Seeded mutation of valid attestation objects, authenticator data and COSE keys: the parsers must refuse or
/// accept, never trap or hang, and what they accept must encode back to at most a few times its input.
///
/// `STEPUP_FUZZ_ITERATIONS` sets the count (default 50,000; CI runs 1,000,000); `STEPUP_SEED` replays a run.
@Suite("WebAuthn parser fuzzing", .ownThread, .timeLimit(.minutes(5)))
struct FuzzTests {
    static var iterations: Int {
        ProcessInfo.processInfo.environment["STEPUP_FUZZ_ITERATIONS"].flatMap { Int($0) } ?? 50_000
    }

    static func corpus() throws -> [(bytes: [UInt8], kind: Kind)] {
        let device = SoftwareAuthenticator(credentialId: Array(0..<16))
        let clientData = Self.clientData
        let registration = device.authenticatorData(
            flags: [.userPresent, .userVerified, .attestedCredentialData, .extensionData],
            extensions: .map(["credProtect": 2, "hmac-secret": .bool(true)]))
        return [
            (
                try device.attestationObject(format: "packed", authData: registration, clientDataJSON: clientData),
                .attestationObject
            ),
            (
                try device.attestationObject(format: "none", authData: registration, clientDataJSON: clientData),
                .attestationObject
            ),
            (registration, .authenticatorData),
            (
                device.authenticatorData(flags: [.userPresent, .backupEligible, .backedUp], counter: 7),
                .authenticatorData
            ),
            (device.coseKey, .coseKey),
            (TestHex.bytes("a56161614161626142616361436164614461656145"), .cbor),
            (TestHex.bytes("c1fb41d452d9ec200000 8301820203820405 f97e00"), .cbor),
        ]
    }

    static let clientData = SoftwareAuthenticator().clientData("webauthn.create", challenge: [1, 2, 3])

    enum Kind { case attestationObject, authenticatorData, coseKey, cbor }

    @Test func parsersSurviveMutation() async throws {
        let seed = TestSeed.seed("WebAuthn parser fuzzing")
        var rng = SeededRNG(seed: seed)
        let corpus = try Self.corpus()
        var accepted = 0
        var parsed = 0
        let started = ContinuousClock.now
        for iteration in 0..<Self.iterations {
            let (original, kind) = corpus[rng.below(corpus.count)]
            var bytes = original
            for _ in 0...rng.below(3) { Mutation.apply(&bytes, using: &rng) }
            if let value = try? CBORDecoder().decode(bytes) {
                accepted += 1
                let encoded = value.encoded()
                guard encoded.count <= 3 * bytes.count + 1 else {
                    Issue.record(
                        "iteration \(iteration): \(bytes.count) bytes decoded to \(encoded.count) (seed \(seed))")
                    return
                }
                // The canonical encoding is a fixed point (maps come back sorted, so compare bytes, not values).
                if (try? CBORDecoder().decode(encoded))?.encoded() != encoded {
                    Issue.record(
                        "iteration \(iteration): encode(decode(encode(x))) != encode(x) for \(bytes) (seed \(seed))")
                    return
                }
            }
            switch kind {
            case .attestationObject:
                guard (try? AttestationObject(bytes: bytes)) != nil else { continue }
                parsed += 1
                // Survivors go through the whole ceremony too: statement checks, signatures, policy.
                _ = try? await SoftwareAuthenticator.party.verifyRegistration(
                    challenge: [1, 2, 3], clientDataJSON: Self.clientData, attestationObject: bytes,
                    requireUserVerification: false, now: Date())
            case .authenticatorData: if (try? AuthenticatorData(bytes: bytes)) != nil { parsed += 1 }
            case .coseKey: if (try? COSEKey(bytes: bytes)) != nil { parsed += 1 }
            case .cbor: break
            }
        }
        print(
            "fuzz: \(Self.iterations) mutants, \(accepted) well-formed CBOR, \(parsed) parsed as WebAuthn structures, "
                + "\(ContinuousClock.now - started) (seed \(seed))")
        #expect(accepted > 0 && accepted < Self.iterations, "mutations must produce both valid and invalid inputs")
    }
}
