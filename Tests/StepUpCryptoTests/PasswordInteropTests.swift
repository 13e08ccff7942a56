import StepUpTestSupport
import Testing
@testable import StepUpCrypto

/// PHC strings cross both ways between us and argon2-cffi, and hashes made by other systems verify here.
@Suite("Password hash interop", .ownThread, .timeLimit(.minutes(5)))
struct PasswordInteropTests {
    struct Pair: Codable { var password: String, hash: String }

    static let hasher = PasswordHasher(
        parameters: Argon2Parameters(memoryKiB: 2048, iterations: 2, parallelism: 2), pool: PasswordHasherTests.pool
    )
    static let passwords = ["", "hunter2", "pässwörd 🔑", String(repeating: "long-", count: 220), "tab\tand space"]

    @Test func ourHashesVerifyInArgon2CFFI() async throws {
        guard TestSupport.require("python3", pythonModules: ["argon2"]) else { return }
        var pairs: [Pair] = []
        for password in Self.passwords {
            pairs.append(Pair(password: password, hash: try await Self.hasher.hash(password)))
        }
        let script = """
        import sys, json, argon2
        ph = argon2.PasswordHasher()
        def ok(p, h):
            try: return ph.verify(h, p)
            except argon2.exceptions.VerifyMismatchError: return False
        print(json.dumps([[ok(c["password"], c["hash"]), ok(c["password"] + "!", c["hash"])]
                          for c in json.load(sys.stdin)]))
        """
        let results = try TestSupport.python(script, input: pairs, as: [[Bool]].self)
        #expect(results == Array(repeating: [true, false], count: pairs.count))
    }

    @Test func argon2CFFIHashesVerifyHere() async throws {
        guard TestSupport.require("python3", pythonModules: ["argon2"]) else { return }
        let script = """
        import sys, json, argon2
        from argon2 import Type
        out = []
        for i, p in enumerate(json.load(sys.stdin)):
            for t in (Type.ID, Type.I, Type.D):
                ph = argon2.PasswordHasher(time_cost=1 + i % 3, memory_cost=256 * (1 + i), parallelism=1 + i % 4,
                                           hash_len=16 + 8 * i, salt_len=8 + 4 * i, type=t)
                out.append({"password": p, "hash": ph.hash(p)})
        print(json.dumps(out))
        """
        let pairs = try TestSupport.python(script, input: Self.passwords, as: [Pair].self)
        #expect(pairs.count == Self.passwords.count * 3)
        for pair in pairs {
            let good = try await Self.hasher.verify(pair.password, against: pair.hash)
            #expect(good.isMatch, "\(pair.hash)")
            let bad = try await Self.hasher.verify(pair.password + "!", against: pair.hash)
            #expect(!bad.isMatch)
        }
    }

    @Test func importedHashesVerifyAndAskForRehash() async throws {
        guard TestSupport.require("python3", pythonModules: ["passlib", "bcrypt"]) else { return }
        let script = """
        import sys, json, base64, hashlib, bcrypt
        from passlib.hash import pbkdf2_sha256, pbkdf2_sha512, scrypt, django_pbkdf2_sha256
        out = []
        for p in json.load(sys.stdin):
            b = p.encode()
            if len(b) <= 72:
                h = bcrypt.hashpw(b, bcrypt.gensalt(rounds=4)).decode()
                out.append({"password": p, "hash": h, "scheme": "bcrypt"})
                out.append({"password": p, "hash": "$2y$" + h[4:], "scheme": "bcrypt"})
                out.append({"password": p, "hash": bcrypt.hashpw(b, bcrypt.gensalt(rounds=5, prefix=b"2a")).decode(),
                            "scheme": "bcrypt"})
            out.append({"password": p, "hash": pbkdf2_sha256.using(rounds=1000).hash(p), "scheme": "pbkdf2-sha256"})
            out.append({"password": p, "hash": pbkdf2_sha512.using(rounds=1000).hash(p), "scheme": "pbkdf2-sha512"})
            out.append({"password": p, "hash": django_pbkdf2_sha256.using(rounds=1000).hash(p),
                        "scheme": "pbkdf2-sha256"})
            out.append({"password": p, "hash": scrypt.using(rounds=10, block_size=8, parallelism=2).hash(p),
                        "scheme": "scrypt"})
            salt = "dJanGoSaLt123456"
            dk = hashlib.scrypt(b, salt=salt.encode(), n=1024, r=8, p=1, dklen=64)
            out.append({"password": p, "hash": "scrypt$%s$%d$%d$%d$%s" % (salt, 1024, 8, 1,
                        base64.b64encode(dk).decode()), "scheme": "scrypt"})
        print(json.dumps(out))
        """
        struct Imported: Codable { var password: String, hash: String, scheme: String }
        let cases = try TestSupport.python(script, input: Self.passwords, as: [Imported].self)
        #expect(cases.count >= 25)
        for imported in cases {
            guard let good = try? await Self.hasher.verify(imported.password, against: imported.hash) else {
                Issue.record("could not verify \(imported.hash)")
                continue
            }
            #expect(good == PasswordVerification(
                isMatch: true, needsRehash: true, scheme: PasswordScheme(rawValue: imported.scheme) ?? .argon2id
            ), "\(imported.hash)")
            let bad = try await Self.hasher.verify(imported.password + "!", against: imported.hash)
            #expect(!bad.isMatch, "\(imported.hash)")
        }
    }

    @Test(arguments: [
        "$2b$04$short", "$2b$4x$abcdefghijklmnopqrstuu0123456789012345678901234567890",
        "$2b$40$abcdefghijklmnopqrstuu0123456789012345678901234567890",
        "$pbkdf2-sha256$0$c2FsdA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "$pbkdf2-sha256$abc$c2FsdA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "$pbkdf2-sha256$1000$c2Fs!A$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "pbkdf2_sha256$1000$salt", "$scrypt$ln=0,r=8,p=1$c2FsdA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "$scrypt$ln=16,r=8$c2FsdA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "scrypt$salt$1000$8$1$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
        "$1$md5crypt$hash", "{SSHA}whatever",
    ])
    func malformedImportsThrow(_ text: String) {
        #expect(throws: PasswordHashError.self) { try ImportedPasswordHash(parsing: text) }
    }

    @Test(arguments: [
        "$2b$20$abcdefghijklmnopqrstuu0123456789012345678901234567890",
        "$pbkdf2-sha256$99999999$c2FsdA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "$scrypt$ln=30,r=8,p=1$c2FsdA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "scrypt$salt$1073741824$8$1$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
    ])
    func costlyImportsAreRefused(_ text: String) {
        #expect(throws: PasswordHashError.limitExceeded("")) { try ImportedPasswordHash(parsing: text) }
    }
}
