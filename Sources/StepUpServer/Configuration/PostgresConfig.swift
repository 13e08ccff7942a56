import Foundation
import StepUpStore
import Yams

/// `storage.postgres`: where StepUp's PostgreSQL is. With this section StepUp uses PostgreSQL instead of SQLite
/// (and several instances may share it).
///
/// ```yaml
/// storage:
///   postgres:
///     url: postgres://stepup@db.internal:5432/stepup?sslmode=require
///     password_file: /run/secrets/stepup-db    # or password_env (default STEPUP_POSTGRES_PASSWORD)
///     pool_size: 16
/// ```
public struct PostgresConfig: Sendable, Equatable {
    /// Everything but the password.
    public var settings = PostgresSettings()
    /// The environment variable holding the password (read at start).
    public var passwordEnv = "STEPUP_POSTGRES_PASSWORD"
    /// A file holding the password (its first line), read at start; wins over the environment.
    public var passwordFile: String?

    public init() {}

    /// The settings with the password resolved: the file, else the environment variable, else the URL's.
    public func resolved(environment: [String: String]) throws -> PostgresSettings {
        var settings = settings
        if let passwordFile {
            guard let data = FileManager.default.contents(atPath: passwordFile) else {
                throw StartupError("storage.postgres.password_file \(passwordFile): cannot read the file")
            }
            let line = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline).first
            settings.password = line.map(String.init) ?? ""
        } else if let password = environment[passwordEnv], !password.isEmpty {
            settings.password = password
        }
        return settings
    }
}

extension PostgresConfig {
    /// Parses the `storage.postgres` mapping; errors point at the offending value.
    static func parse(_ node: Node, reader: Reader) throws -> PostgresConfig {
        var config = PostgresConfig()
        var fields: [String: Node] = [:]
        try reader.mapping(node, "storage.postgres") { key, value in
            guard ["url", "host", "port", "socket", "user", "database", "password_env", "password_file", "tls",
                   "ca_file", "pool_size"].contains(key) else { throw reader.unknown(key, value, in: "storage.postgres") }
            fields[key] = value
        }
        // The URL first, so that fields given beside it override its parts.
        if let value = fields["url"] {
            do {
                config.settings = try PostgresSettings(url: try reader.string(value, "url"))
            } catch let error as PostgresSettingsError {
                throw reader.error(value, "storage.postgres.url: \(error.description)")
            }
        }
        for (key, value) in fields {
            switch key {
            case "host": config.settings.host = try reader.string(value, key)
            case "port": config.settings.port = try reader.int(value, key, in: 1...65_535)
            case "socket": config.settings.unixSocketPath = try reader.string(value, key)
            case "user": config.settings.username = try reader.string(value, key)
            case "database": config.settings.database = try reader.string(value, key)
            case "password_env": config.passwordEnv = try reader.string(value, key)
            case "password_file": config.passwordFile = try reader.string(value, key)
            case "tls":
                let text = try reader.string(value, key)
                guard let mode = PostgresSettings.TLSMode(rawValue: text) else {
                    throw reader.error(value, "storage.postgres.tls must be disable, prefer or require, not \(text)")
                }
                config.settings.tls = mode
            case "ca_file": config.settings.caFile = try reader.string(value, key)
            case "pool_size": config.settings.poolSize = try reader.int(value, key, in: 1...1_000)
            default: break
            }
        }
        if config.settings.username.isEmpty { throw reader.error(node, "storage.postgres needs a user") }
        if config.settings.database.isEmpty { throw reader.error(node, "storage.postgres needs a database") }
        return config
    }
}

extension ServerConfiguration.Storage {
    /// The database in words, without secrets: the SQLite path or the PostgreSQL address.
    public var databaseDescription: String { postgres?.settings.redactedDescription ?? sqlitePath }
}
