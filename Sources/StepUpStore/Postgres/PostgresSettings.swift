import Foundation

/// Where and how to reach PostgreSQL: the `storage.postgres` section, resolved (the password already read from
/// the environment or its file).
public struct PostgresSettings: Sendable, Equatable {
    /// How the connection is encrypted.
    public enum TLSMode: String, Sendable, CaseIterable {
        /// Plain TCP (a Unix socket or a trusted network only).
        case disable
        /// TLS when the server offers it, with certificate and host name verification.
        case prefer
        /// TLS or no connection, with certificate and host name verification.
        case require
    }

    /// A host name or address; ignored when ``unixSocketPath`` is set.
    public var host = "127.0.0.1"
    public var port = 5432
    /// The socket file itself (e.g. `/run/postgresql/.s.PGSQL.5432`), for a server on the same machine.
    public var unixSocketPath: String?
    public var username = "stepup"
    public var password: String?
    public var database = "stepup"
    public var tls = TLSMode.prefer
    /// Extra trusted CA certificates (PEM) for TLS, besides the system's.
    public var caFile: String?
    /// Connections this instance opens at most (each instance has its own pool; mind `max_connections`).
    public var poolSize = 16
    /// How long one database operation (a request's reads on a connection, or a group-commit transaction) may
    /// take before it fails and its connection is closed: a connection that died without the driver noticing
    /// (a database restarted mid-query) must not hold up a request, or the server's exit, forever. Not
    /// configurable in `stepup.yaml`; tests that load a small machine heavily raise it.
    public var operationTimeout: Duration = .seconds(15)
    /// How long an operation waits for a connection from the pool while the database answers (one second once it
    /// is known to be failing). Not configurable in `stepup.yaml`; tests that load a small machine heavily raise it.
    public var connectionWaitTimeout: Duration = .seconds(20)

    public init() {}

    /// Reads a `postgres://user:password@host:port/database?sslmode=…` URL (also `postgresql://`; the password
    /// may be left out and given separately).
    public init(url text: String) throws {
        guard let url = URLComponents(string: text), let scheme = url.scheme,
              ["postgres", "postgresql"].contains(scheme.lowercased())
        else {
            throw PostgresSettingsError("not a postgres:// URL")
        }
        if let host = url.host, !host.isEmpty { self.host = host.removingPercentEncoding ?? host }
        if let port = url.port { self.port = port }
        if let user = url.user, !user.isEmpty { username = user.removingPercentEncoding ?? user }
        if let password = url.password { self.password = password.removingPercentEncoding ?? password }
        let path = url.path.hasPrefix("/") ? String(url.path.dropFirst()) : url.path
        if !path.isEmpty { database = path.removingPercentEncoding ?? path }
        for item in url.queryItems ?? [] {
            switch item.name.lowercased() {
            case "sslmode", "tlsmode", "tls":
                guard let mode = Self.tlsMode(item.value ?? "") else {
                    throw PostgresSettingsError("sslmode must be disable, prefer or require, not \(item.value ?? "")")
                }
                tls = mode
            case "host":
                // libpq's form for a socket directory: ?host=/run/postgresql
                if let directory = item.value, directory.hasPrefix("/") {
                    unixSocketPath = "\(directory)/.s.PGSQL.\(port)"
                }
            default:
                throw PostgresSettingsError("unknown URL parameter \(item.name) (known: sslmode, host)")
            }
        }
    }

    /// libpq's names too: `allow` reads as `prefer`; `verify-ca` / `verify-full` as `require` (StepUp always
    /// verifies the certificate and the host name).
    static func tlsMode(_ text: String) -> TLSMode? {
        switch text.lowercased() {
        case "disable", "false": .disable
        case "allow", "prefer", "true": .prefer
        case "require", "verify-ca", "verify-full": .require
        default: nil
        }
    }

    /// Where it connects, without the password (for messages and logs).
    public var redactedDescription: String {
        let place = unixSocketPath ?? "\(host.contains(":") ? "[\(host)]" : host):\(port)"
        return "postgres://\(username)@\(place)/\(database)"
    }
}

/// A `storage.postgres` value that cannot work, with what is wrong.
public struct PostgresSettingsError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
