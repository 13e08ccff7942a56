import Foundation
import HTTPTypes
import StepUpCore
import StepUpStore
import Yams

/// A configuration error with its place in the file: `file:line:col: message`.
public struct ConfigError: Error, Sendable, CustomStringConvertible {
    public let file: String
    public let line: Int
    public let column: Int
    public let message: String
    /// An unknown key's error already points at the key (a nested section's), so enclosing sections keep it.
    var atKey = false

    public var description: String { "\(file):\(line):\(column): error: \(message)" }
}

/// Reads `stepup.yaml` into a ``ServerConfiguration``. Unknown keys and wrongly typed values are errors with
/// their position, so a typo never silently falls back to a default.
public enum ConfigFile {
    public static func load(path: String, into base: ServerConfiguration = ServerConfiguration()) throws
        -> ServerConfiguration
    {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw ConfigError(file: path, line: 1, column: 1, message: "cannot read the configuration file")
        }
        var config = try parse(text, file: path, into: base)
        // Relative paths in the file are relative to the file, not to wherever `stepup` was started.
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        func resolve(_ value: String) -> String {
            value.hasPrefix("/") ? value : directory.appendingPathComponent(value).standardized.path
        }
        config.storage.sqlitePath = resolve(config.storage.sqlitePath)
        if var postgres = config.storage.postgres {
            postgres.passwordFile = postgres.passwordFile.map(resolve)
            postgres.settings.caFile = postgres.settings.caFile.map(resolve)
            config.storage.postgres = postgres
        }
        config.policyFile = resolve(config.policyFile)
        config.network.geoipDatabase = config.network.geoipDatabase.map(resolve)
        config.network.geoipRanges = config.network.geoipRanges.map(resolve)
        config.network.reputationLists = config.network.reputationLists.mapValues(resolve)
        config.email.directory = resolve(config.email.directory)
        config.email.smtp.caFile = config.email.smtp.caFile.map(resolve)
        config.sms.directory = resolve(config.sms.directory)
        return config
    }

    public static func parse(_ text: String, file: String, into base: ServerConfiguration = ServerConfiguration())
        throws -> ServerConfiguration
    {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw ConfigError(file: file, line: error.mark?.line ?? 1, column: error.mark?.column ?? 1,
                              message: "not valid YAML: \(error.problem)")
        }
        var config = base
        guard let root else { return config }
        var reader = Reader(file: file)
        var webAuthnNodes = WebAuthnNodes()
        var cookieDomainNode: Node?
        try reader.mapping(root, "the configuration") { key, value in
            switch key {
            case "server":
                try reader.mapping(value, "server") { key, value in
                    switch key {
                    case "host": config.http.host = try reader.string(value, key)
                    case "port": config.http.port = try reader.int(value, key, in: 0...65_535)
                    case "public_url": config.http.publicURL = try reader.string(value, key)
                    case "max_body_bytes": config.http.maxBodyBytes = try reader.int(value, key, in: 1_024...16_777_216)
                    case "header_timeout_seconds":
                        config.http.headerTimeout = Double(try reader.int(value, key, in: 1...600))
                    case "idle_timeout_seconds":
                        config.http.idleTimeout = Double(try reader.int(value, key, in: 1...3_600))
                    case "request_timeout_seconds":
                        config.http.requestTimeout = Double(try reader.int(value, key, in: 1...3_600))
                    case "shutdown_timeout_seconds":
                        config.http.shutdownTimeout = Double(try reader.int(value, key, in: 1...3_600))
                    default: throw reader.unknown(key, value, in: "server")
                    }
                }
            case "storage":
                try reader.mapping(value, "storage") { key, value in
                    switch key {
                    case "sqlite": config.storage.sqlitePath = try reader.string(value, key)
                    case "synchronous":
                        let text = try reader.string(value, key)
                        guard let mode = SQLiteSynchronous(rawValue: text) else {
                            throw reader.error(value, "storage.synchronous must be normal or full, not \(text)")
                        }
                        config.storage.synchronous = mode
                    case "postgres": config.storage.postgres = try PostgresConfig.parse(value, reader: reader)
                    default: throw reader.unknown(key, value, in: "storage")
                    }
                }
            case "policy":
                try reader.mapping(value, "policy") { key, value in
                    guard key == "file" else { throw reader.unknown(key, value, in: "policy") }
                    config.policyFile = try reader.string(value, key)
                }
            case "secrets":
                try reader.mapping(value, "secrets") { key, value in
                    switch key {
                    case "sealing_keys": config.secrets.sealingKeys = try reader.string(value, key)
                    case "cookie_key": config.secrets.cookieKey = try reader.string(value, key)
                    default: throw reader.unknown(key, value, in: "secrets")
                    }
                }
            case "sessions":
                try reader.mapping(value, "sessions") { key, value in
                    switch key {
                    case "lifetime_seconds": config.sessions.lifetime = Double(try reader.int(value, key, in: 60...31_536_000))
                    case "secure_cookies": config.sessions.secureCookies = try reader.bool(value, key)
                    case "cookie_domain":
                        let domain = try reader.string(value, key).lowercased()
                        guard CookieDomain.isAcceptable(domain) else {
                            throw reader.error(value, "sessions.cookie_domain must be a domain name with at least one "
                                + "dot, not an address or a bare suffix (e.g. example.com)")
                        }
                        config.sessions.cookieDomain = domain
                        cookieDomainNode = value
                    default: throw reader.unknown(key, value, in: "sessions")
                    }
                }
            case "challenges":
                try reader.mapping(value, "challenges") { key, value in
                    switch key {
                    case "lifetime_seconds": config.challenges.lifetime = Double(try reader.int(value, key, in: 30...3_600))
                    case "max_attempts": config.challenges.maxAttempts = try reader.int(value, key, in: 1...10)
                    case "grant_lifetime_seconds":
                        config.challenges.grantLifetime = Double(try reader.int(value, key, in: 10...3_600))
                    default: throw reader.unknown(key, value, in: "challenges")
                    }
                }
            case "login":
                try reader.mapping(value, "login") { key, value in
                    switch key {
                    case "max_failures_per_account":
                        config.login.maxFailuresPerAccount = try reader.int(value, key, in: 1...100)
                    case "max_failures_per_address":
                        config.login.maxFailuresPerAddress = try reader.int(value, key, in: 1...100_000)
                    case "failure_window_seconds":
                        config.login.failureWindow = Double(try reader.int(value, key, in: 60...604_800))
                    default: throw reader.unknown(key, value, in: "login")
                    }
                }
            case "passwords":
                try reader.mapping(value, "passwords") { key, value in
                    switch key {
                    case "memory_kib": config.passwords.memoryKiB = try reader.int(value, key, in: 8...4_194_304)
                    case "iterations": config.passwords.iterations = try reader.int(value, key, in: 1...64)
                    case "parallelism": config.passwords.parallelism = try reader.int(value, key, in: 1...64)
                    case "concurrent_hashes": config.passwords.concurrentHashes = try reader.int(value, key, in: 1...256)
                    default: throw reader.unknown(key, value, in: "passwords")
                    }
                }
            case "totp":
                try reader.mapping(value, "totp") { key, value in
                    switch key {
                    case "issuer": config.totp.issuer = try reader.string(value, key)
                    case "digits": config.totp.digits = try reader.int(value, key, in: 6...8)
                    case "period": config.totp.period = try reader.int(value, key, in: 15...120)
                    case "window": config.totp.window = try reader.int(value, key, in: 0...5)
                    default: throw reader.unknown(key, value, in: "totp")
                    }
                }
            case "network":
                try reader.mapping(value, "network") { key, value in
                    switch key {
                    case "trusted_proxies": config.network.trustedProxies = try reader.strings(value, key)
                    case "country_header": config.network.countryHeader = try reader.string(value, key)
                    case "geoip_database": config.network.geoipDatabase = try reader.string(value, key)
                    case "geoip_ranges": config.network.geoipRanges = try reader.strings(value, key)
                    case "reputation_lists":
                        try reader.mapping(value, key) { name, file in
                            config.network.reputationLists[name] = try reader.string(file, name)
                        }
                    default: throw reader.unknown(key, value, in: "network")
                    }
                }
            case "forward_auth":
                try reader.mapping(value, "forward_auth") { key, value in
                    switch key {
                    case "hosts":
                        config.forwardAuth.hosts = try reader.strings(value, key)
                        for (item, node) in zip(config.forwardAuth.hosts, value.sequence ?? [])
                        where HostPattern(item) == nil {
                            throw reader.error(node, "'\(item.prefix(80))' is not a host name or *.domain "
                                + "(e.g. app.example.com)")
                        }
                    case "headers":
                        try reader.mapping(value, "forward_auth.headers") { key, value in
                            let name = try reader.string(value, key)
                            guard HTTPField.Name(name) != nil else {
                                throw reader.error(value, "'\(name.prefix(80))' is not a valid header name")
                            }
                            switch key {
                            case "user": config.forwardAuth.userHeader = name
                            case "groups": config.forwardAuth.groupsHeader = name
                            case "email": config.forwardAuth.emailHeader = name
                            case "name": config.forwardAuth.nameHeader = name
                            case "level": config.forwardAuth.levelHeader = name
                            case "acr": config.forwardAuth.acrHeader = name
                            case "auth_time": config.forwardAuth.authTimeHeader = name
                            default: throw reader.unknown(key, value, in: "forward_auth.headers")
                            }
                        }
                    default: throw reader.unknown(key, value, in: "forward_auth")
                    }
                }
            case "gateway":
                try reader.mapping(value, "gateway") { key, value in
                    switch key {
                    case "routes":
                        guard let items = value.sequence else {
                            throw reader.error(value, "gateway.routes must be a list of {host, path, upstream}")
                        }
                        config.gateway.routes = try items.map { try Self.gatewayRoute($0, reader) }
                    case "timeout_seconds": config.gateway.timeout = Double(try reader.int(value, key, in: 1...3_600))
                    case "max_bind_body_bytes":
                        config.gateway.maxBindBodyBytes = try reader.int(value, key, in: 1_024...16_777_216)
                    case "upstream_connections":
                        config.gateway.upstreamConnections = try reader.int(value, key, in: 1...10_000)
                    case "assertion": config.gateway.assertion = try reader.bool(value, key)
                    case "assertion_lifetime_seconds":
                        config.gateway.assertionLifetime = Double(try reader.int(value, key, in: 5...3_600))
                    default: throw reader.unknown(key, value, in: "gateway")
                    }
                }
            case "housekeeping":
                try reader.mapping(value, "housekeeping") { key, value in
                    switch key {
                    case "interval_seconds":
                        config.housekeeping.interval = Double(try reader.int(value, key, in: 1...86_400))
                    case "retention_seconds":
                        config.housekeeping.retention = Double(try reader.int(value, key, in: 0...31_536_000))
                    default: throw reader.unknown(key, value, in: "housekeeping")
                    }
                }
            case "metrics":
                try reader.mapping(value, "metrics") { key, value in
                    switch key {
                    case "token":
                        let token = try reader.string(value, key)
                        guard token.utf8.count >= 16 else {
                            throw reader.error(value, "metrics.token must have at least 16 characters")
                        }
                        config.metrics.token = token
                    default: throw reader.unknown(key, value, in: "metrics")
                    }
                }
            case "webauthn":
                try parseWebAuthn(value, reader: reader, file: file, into: &config, nodes: &webAuthnNodes)
            case "email": try parseEmail(value, reader: reader, into: &config)
            case "outbox": try parseOutbox(value, reader: reader, into: &config)
            case "sms": try parseSMS(value, reader: reader, into: &config)
            case "push": try parsePush(value, reader: reader, into: &config)
            default:
                throw reader.unknown(key, value, in: "the configuration")
            }
        }
        if let node = cookieDomainNode, let domain = config.sessions.cookieDomain,
           let host = URL(string: config.http.publicURL)?.host?.lowercased(), !CookieDomain.covers(domain, host: host) {
            throw reader.error(node, "sessions.cookie_domain '\(domain)' must be server.public_url's host "
                + "('\(host)') or a parent domain of it, or browsers will refuse the cookie")
        }
        try checkWebAuthn(config, nodes: webAuthnNodes, reader: reader)
        return config
    }
}

extension ConfigFile {
    /// One `gateway.routes` entry: `{host, path?, upstream, bind_body?}`, each value checked where it is written.
    fileprivate static func gatewayRoute(_ node: Node, _ reader: Reader) throws -> ServerConfiguration.Gateway.Route {
        var host: String?, path = "/**", upstream: String?, bindBody = false
        try reader.mapping(node, "a gateway route") { key, value in
            switch key {
            case "host":
                let text = try reader.string(value, key)
                guard HostPattern(text) != nil else {
                    throw reader.error(value, "'\(text.prefix(80))' is not a host name or *.domain (e.g. app.example.com)")
                }
                host = text
            case "path":
                path = try reader.string(value, key)
                guard PathPattern(path) != nil else {
                    throw reader.error(value, "'\(path.prefix(80))' is not a path pattern: start with / and use ** only "
                        + "at the end")
                }
            case "upstream":
                let text = try reader.string(value, key)
                guard GatewayUpstream(text) != nil else {
                    throw reader.error(value, "'\(text.prefix(80))' is not an upstream URL (http://host:port or "
                        + "https://host/prefix, no query)")
                }
                upstream = text
            case "bind_body": bindBody = try reader.bool(value, key)
            default: throw reader.unknown(key, value, in: "a gateway route")
            }
        }
        guard let host, let upstream else { throw reader.error(node, "a gateway route needs a 'host' and an 'upstream'") }
        return .init(host: host, path: path, upstream: upstream, bindBody: bindBody)
    }
}

/// Typed access to YAML nodes, with positions in every error.
struct Reader {
    let file: String

    func error(_ node: Node, _ message: String) -> ConfigError {
        ConfigError(file: file, line: node.mark?.line ?? 1, column: node.mark?.column ?? 1, message: message)
    }

    func unknown(_ key: String, _ node: Node, in section: String) -> ConfigError {
        error(node, "unknown key '\(key)' in \(section)")
    }

    func mapping(_ node: Node, _ what: String, _ body: (String, Node) throws -> Void) throws {
        // A section whose keys are all commented out (`secrets:` with its values in the environment) is empty.
        if node.scalar.map({ $0.tag == .implicit && ($0.string.isEmpty || $0.string == "~" || $0.string == "null") })
            ?? false { return }
        guard let mapping = node.mapping else { throw error(node, "\(what) must be a mapping of keys to values") }
        for (key, value) in mapping {
            guard let name = key.string else { throw error(key, "keys must be strings") }
            do {
                try body(name, value)
            } catch let found as ConfigError where found.message.hasPrefix("unknown key") && !found.atKey {
                throw ConfigError(file: file, line: key.mark?.line ?? found.line, column: key.mark?.column ?? found.column,
                                  message: found.message, atKey: true)
            }
        }
    }

    func string(_ node: Node, _ key: String) throws -> String {
        guard let scalar = node.scalar else { throw error(node, "'\(key)' must be a string") }
        return scalar.string
    }

    func strings(_ node: Node, _ key: String) throws -> [String] {
        guard let sequence = node.sequence else { throw error(node, "'\(key)' must be a list of strings") }
        return try sequence.map { try string($0, key) }
    }

    func int(_ node: Node, _ key: String, in range: ClosedRange<Int>) throws -> Int {
        guard let value = node.int else { throw error(node, "'\(key)' must be a whole number") }
        guard range.contains(value) else {
            throw error(node, "'\(key)' must be between \(range.lowerBound) and \(range.upperBound)")
        }
        return value
    }

    func bool(_ node: Node, _ key: String) throws -> Bool {
        guard let value = node.bool else { throw error(node, "'\(key)' must be true or false") }
        return value
    }
}

extension YamlError {
    var mark: Mark? {
        switch self {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): return mark
        default: return nil
        }
    }

    var problem: String {
        switch self {
        case .scanner(_, let problem, _, _), .parser(_, let problem, _, _), .composer(_, let problem, _, _):
            return problem
        default: return String(describing: self)
        }
    }
}
