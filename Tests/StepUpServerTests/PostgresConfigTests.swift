import Foundation
import StepUpStore
import Testing
@testable import StepUpServer

/// `storage.postgres`: a URL or fields, the password from a file or the environment, and `file:line:col` for
/// every value that cannot work.
@Suite("PostgreSQL configuration", .timeLimit(.minutes(5)))
struct PostgresConfigTests {
    @Test func aURLWithFieldsBesideIt() throws {
        let config = try ConfigFile.parse("""
            storage:
              postgres:
                url: postgres://app%40corp@db.example.com:6432/auth?sslmode=require
                pool_size: 40
                ca_file: /etc/ssl/db-ca.pem
            """, file: "s.yaml")
        let postgres = try #require(config.storage.postgres)
        #expect(postgres.settings.host == "db.example.com" && postgres.settings.port == 6432)
        #expect(postgres.settings.username == "app@corp" && postgres.settings.database == "auth")
        #expect(postgres.settings.tls == .require && postgres.settings.poolSize == 40)
        #expect(postgres.settings.caFile == "/etc/ssl/db-ca.pem" && postgres.settings.password == nil)
        #expect(config.storage.databaseDescription == "postgres://app@corp@db.example.com:6432/auth")
    }

    @Test func fieldsAndASocket() throws {
        let config = try ConfigFile.parse("""
            storage:
              postgres:
                socket: /run/postgresql/.s.PGSQL.5432
                user: stepup
                database: stepup_prod
                tls: disable
            """, file: "s.yaml")
        let settings = try #require(config.storage.postgres?.settings)
        #expect(settings.unixSocketPath == "/run/postgresql/.s.PGSQL.5432" && settings.database == "stepup_prod")
        #expect(settings.tls == .disable && settings.poolSize == 16)
    }

    @Test func thePasswordComesFromAFileOrTheEnvironment() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pgconf-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("stepup.yaml")
        try "storage:\n  postgres:\n    url: postgres://stepup@db/stepup\n    password_file: secret\n"
            .write(to: file, atomically: true, encoding: .utf8)
        try "s3cret pass\nignored\n".write(to: directory.appendingPathComponent("secret"), atomically: true,
                                           encoding: .utf8)
        let fromFile = try #require(try ConfigFile.load(path: file.path).storage.postgres)
        #expect(try fromFile.resolved(environment: ["STEPUP_POSTGRES_PASSWORD": "env"]).password == "s3cret pass")

        let fromEnvironment = try #require(try ConfigFile.parse(
            "storage:\n  postgres:\n    url: postgres://stepup@db/stepup\n    password_env: DB_PASS\n",
            file: "s.yaml").storage.postgres)
        #expect(try fromEnvironment.resolved(environment: ["DB_PASS": "from env"]).password == "from env")
        #expect(try fromEnvironment.resolved(environment: [:]).password == nil)

        let missing = try #require(try ConfigFile.parse(
            "storage:\n  postgres:\n    password_file: /nonexistent/pw\n", file: "s.yaml").storage.postgres)
        #expect(throws: StartupError.self) { try missing.resolved(environment: [:]) }
    }

    @Test(arguments: [
        ("storage:\n  postgres:\n    url: mysql://db/x\n", 3, "storage.postgres.url: not a postgres:// URL"),
        ("storage:\n  postgres:\n    url: postgres://db/x?sslmode=sometimes\n", 3, "sslmode must be"),
        ("storage:\n  postgres:\n    tls: maybe\n", 3, "storage.postgres.tls must be disable, prefer or require"),
        ("storage:\n  postgres:\n    pool_size: 0\n", 3, "'pool_size' must be between 1 and 1000"),
        ("storage:\n  postgres:\n    passwrd: x\n", 3, "unknown key 'passwrd' in storage.postgres"),
    ])
    func badValuesPointAtTheirLine(_ text: String, _ line: Int, _ message: String) throws {
        let error = #expect(throws: ConfigError.self) { try ConfigFile.parse(text, file: "s.yaml") }
        #expect(error?.line == line && error?.message.contains(message) == true, "\(String(describing: error))")
    }

    @Test func secretsStayOutOfDescriptions() throws {
        let settings = try PostgresSettings(url: "postgres://stepup:hunter2@db:5432/stepup")
        #expect(settings.password == "hunter2")
        #expect(!settings.redactedDescription.contains("hunter2"))
    }
}
