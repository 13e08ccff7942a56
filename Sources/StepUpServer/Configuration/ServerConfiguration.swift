import Foundation
import StepUpStore

/// Everything `stepup serve` can be told, each field with a safe default.
///
/// Loaded from a YAML file (see ``ConfigFile``); secrets may come from the environment instead
/// (`STEPUP_SEALING_KEYS`, `STEPUP_COOKIE_KEY`) so they need not sit in the file. Secrets never reach logs.
public struct ServerConfiguration: Sendable {
    public struct HTTP: Sendable {
        public var host = "127.0.0.1"
        public var port = 8080
        /// The URL users reach StepUp at; used for links, cookie security and the TOTP issuer's account label.
        public var publicURL = "http://localhost:8080"
        /// Request bodies above this size are refused with 413.
        public var maxBodyBytes = 64 * 1024
        /// A new connection's first request head must arrive complete within this many seconds (slow-loris).
        public var headerTimeout: TimeInterval = 10
        /// A kept-alive connection with no request for this long is closed; the next request's head must also
        /// arrive complete within it.
        public var idleTimeout: TimeInterval = 60
        /// A request's body must arrive complete within this many seconds of its head.
        public var requestTimeout: TimeInterval = 30
        /// On SIGTERM or SIGINT, requests in flight get this long to finish before they are cancelled; the process
        /// ends at most a few seconds later in any case.
        public var shutdownTimeout: TimeInterval = 20
        public init() {}
    }

    public struct Storage: Sendable {
        /// The SQLite database file (created on first start, WAL mode).
        public var sqlitePath = "stepup.sqlite"
        /// SQLite's `synchronous` in WAL mode: `normal` survives a process crash, `full` also power loss.
        public var synchronous = SQLiteSynchronous.normal
        /// PostgreSQL instead of SQLite (`storage.postgres`); several instances may share it.
        public var postgres: PostgresConfig?
        public init() {}
    }

    public struct Secrets: Sendable {
        /// Keyring for secrets at rest: `id:base64key,…` (32-byte keys); the first seals, all open.
        public var sealingKeys = ""
        /// Base64 32-byte key for signed cookies (device id) and CSRF tokens.
        public var cookieKey = ""
        public init() {}
    }

    public struct Sessions: Sendable {
        /// Absolute session lifetime; levels lapse earlier by their own max_age and idle timeout.
        public var lifetime: TimeInterval = 7 * 86_400
        /// Mark cookies `Secure` (browsers also accept this on http://localhost).
        public var secureCookies = true
        /// The `Domain` of the session cookie, so that one sign-in covers every host forward auth protects
        /// (`example.com` for `auth.example.com` and `app.example.com`); unset: StepUp's own host only.
        public var cookieDomain: String?
        public init() {}
    }

    /// Forward auth (`/auth/verify`) for nginx, Caddy and Traefik: who may come back where, and the names of the
    /// identity headers the proxy passes on to the application.
    public struct ForwardAuth: Sendable {
        /// Hosts (`app.example.com`, `*.example.com`) that sign-in and step-up may return to, besides StepUp's own.
        public var hosts: [String] = []
        public var userHeader = "Remote-User"
        public var groupsHeader = "Remote-Groups"
        public var emailHeader = "Remote-Email"
        public var nameHeader = "Remote-Name"
        public var levelHeader = "StepUp-Level"
        public var acrHeader = "StepUp-Acr"
        public var authTimeHeader = "StepUp-Auth-Time"
        public init() {}
    }

    public struct Challenges: Sendable {
        public var lifetime: TimeInterval = 300
        /// Wrong codes allowed per challenge (PSD2 RTS: at most 5).
        public var maxAttempts = 5
        /// How long a satisfied single-use grant stays usable.
        public var grantLifetime: TimeInterval = 300
        public init() {}
    }

    public struct Login: Sendable {
        /// After this many consecutive failures a password alone no longer signs the account in: a second
        /// factor code must come with it (NIST SP 800-63B: at most 100). The real user is never locked out.
        public var maxFailuresPerAccount = 100
        /// Failures from one address within `failureWindow` before that address gets 429 responses.
        public var maxFailuresPerAddress = 100
        public var failureWindow: TimeInterval = 3_600
        public init() {}
    }

    /// Argon2id parameters for new password hashes (RFC 9106's second recommendation by default).
    /// Stored hashes made with weaker settings are upgraded at the next successful sign-in.
    public struct Passwords: Sendable {
        public var memoryKiB = 65_536
        public var iterations = 3
        public var parallelism = 4
        /// Hashing jobs running at once; more wait their turn off the request threads.
        public var concurrentHashes = 2
        public init() {}
    }

    public struct TOTP: Sendable {
        public var issuer = "StepUp"
        public var digits = 6
        public var period = 30
        /// Time steps accepted either side of now.
        public var window = 1
        public init() {}
    }

    public struct Network: Sendable {
        /// Peers whose `X-Forwarded-For` is believed (CIDR or addresses).
        public var trustedProxies: [String] = []
        /// A header carrying the client's country, believed only from trusted proxies (e.g. `CF-IPCountry`).
        public var countryHeader: String?
        /// A MaxMind DB (.mmdb) file for country and coordinates.
        public var geoipDatabase: String?
        /// Country range files (`first,last,CC`, e.g. `/usr/share/tor/geoip` and `geoip6` from tor-geoipdb);
        /// consulted after the `.mmdb` file.
        public var geoipRanges: [String] = []
        /// Named reputation lists: name → file of CIDRs, one per line.
        public var reputationLists: [String: String] = [:]
        public init() {}
    }

    /// The built-in gateway: StepUp itself proxies the hosts and paths of `routes` to their upstreams, deciding
    /// every request first (README "Gateway").
    public struct Gateway: Sendable {
        public struct Route: Sendable, Equatable {
            /// `app.example.com` or `*.example.com`.
            public var host: String
            /// A path pattern (`/api/**`); the first route matching host and path serves the request.
            public var path = "/**"
            /// `http(s)://host[:port]`, optionally with a path prefix the request path is appended to.
            public var upstream: String
            /// Read JSON and form bodies (up to `maxBindBodyBytes`) so rules and `bind` see their fields; larger
            /// or other bodies are refused on this route, never forwarded undecided.
            public var bindBody = false
            public init(host: String, path: String = "/**", upstream: String, bindBody: Bool = false) {
                self.host = host
                self.path = path
                self.upstream = upstream
                self.bindBody = bindBody
            }
        }

        public var routes: [Route] = []
        /// Seconds to connect to an upstream and receive its response head (504 after).
        public var timeout: TimeInterval = 30
        /// The largest body read for decisions (and kept to replay a request a browser must first step up for).
        public var maxBindBodyBytes = 65_536
        /// Kept-alive connections to each upstream; requests beyond them wait for a free one.
        public var upstreamConnections = 256
        /// Adds `StepUp-Assertion`, a JWT signed with the OpenID Provider's key (verifiable with its JWKS), to every
        /// forwarded request.
        public var assertion = false
        /// Seconds an assertion is valid for.
        public var assertionLifetime: TimeInterval = 60
        public init() {}
    }

    /// `/metrics` exposes operational counts: only to a scraper that presents this bearer token.
    public struct Metrics: Sendable {
        /// The token Prometheus sends (`authorization: {type: Bearer, credentials: …}`); without one, `/metrics`
        /// is not served. `STEPUP_METRICS_TOKEN` in the environment wins.
        public var token: String?
        public init() {}
    }

    public var http = HTTP()
    public var storage = Storage()
    /// The policy file (levels, rules, risk settings).
    public var policyFile = "policy.yaml"
    public var secrets = Secrets()
    public var sessions = Sessions()
    public var challenges = Challenges()
    public var login = Login()
    public var passwords = Passwords()
    public var totp = TOTP()
    public var network = Network()
    public var metrics = Metrics()
    public var forwardAuth = ForwardAuth()
    public var gateway = Gateway()
    /// Periodic pruning of expired rows (see `ServerConfiguration+Housekeeping.swift`).
    public var housekeeping = Housekeeping()
    /// WebAuthn: relying party, origins, attestation, user verification (see `ServerConfiguration+WebAuthn.swift`).
    public var webAuthn = WebAuthn()
    /// E-mail one-time codes and their channel (see `ServerConfiguration+Delivery.swift`).
    public var email = Email()
    /// SMS one-time codes and their channel.
    public var sms = SMS()
    /// Push approval with number matching (see `ServerConfiguration+Push.swift`).
    public var push = Push()
    /// The durable outbox's sender.
    public var outbox = Outbox()
    /// Seed demo users and serve the Acme Bank demo under `/demo`.
    public var demo = false

    public init() {}
}
