/// The commented `stepup.yaml` that `stepup init` writes.
public enum ConfigTemplate {
    public static func render(sealingKeys: String, cookieKey: String, metricsToken: String,
                              vapidKey: String? = nil) -> String {
        """
        # StepUp configuration. Every key is optional; the values shown are the defaults.
        # Relative paths are relative to this file.

        server:
          host: 127.0.0.1          # listen address; put a TLS-terminating proxy in front for production
          port: 8080
          public_url: http://localhost:8080
          max_body_bytes: 65536    # larger request bodies get 413
          header_timeout_seconds: 10   # a new connection's request head must arrive within this (slow-loris)
          idle_timeout_seconds: 60     # a kept-alive connection with no request for this long is closed
          request_timeout_seconds: 30  # a request body must arrive within this after its head
          shutdown_timeout_seconds: 20 # on SIGTERM, requests in flight get this long to finish; then they are cancelled

        storage:
          sqlite: stepup.sqlite    # one file, WAL mode; migrations run at start
          synchronous: normal      # normal: a commit survives a crash of StepUp; full: also power loss (README Storage)
          # postgres:              # PostgreSQL instead of SQLite, for several instances (README "PostgreSQL")
          #   url: postgres://stepup@db.internal:5432/stepup?sslmode=require
          #   password_file: db-password   # or the environment variable STEPUP_POSTGRES_PASSWORD
          #   socket: /run/postgresql/.s.PGSQL.5432   # on the same machine: faster than TCP

        policy:
          file: policy.yaml        # levels, rules, risk settings; reloaded on change and on SIGHUP

        secrets:
          # Keep this file private (it is written with mode 0600). The environment variables
          # STEPUP_SEALING_KEYS and STEPUP_COOKIE_KEY override these values.
          # Keyring for factor secrets at rest: id:base64key,... — the first key seals, all keys open
          # (rotate by adding a new key in front; keep old keys until secrets are re-sealed).
          sealing_keys: "\(sealingKeys)"
          # 32 random bytes (base64) signing device cookies and CSRF tokens.
          cookie_key: "\(cookieKey)"

        sessions:
          lifetime_seconds: 604800 # absolute session lifetime; levels lapse earlier (see the policy)
          secure_cookies: true     # browsers accept Secure cookies on http://localhost too
          # cookie_domain: example.com  # share the sign-in with the hosts forward auth protects (README Forward auth)

        challenges:
          lifetime_seconds: 300
          max_attempts: 5          # wrong codes per challenge (PSD2: at most 5)
          grant_lifetime_seconds: 300

        login:
          max_failures_per_account: 100  # then a one-time code is needed with the password (never a lock-out)
          max_failures_per_address: 100  # then that address gets 429 until the window passes
          failure_window_seconds: 3600

        passwords:                 # Argon2id for new hashes (RFC 9106, second recommendation)
          memory_kib: 65536
          iterations: 3
          parallelism: 4
          concurrent_hashes: 2     # hashes computed at once, off the request threads

        totp:
          issuer: StepUp
          digits: 6
          period: 30
          window: 1                # time steps accepted either side of now

        webauthn:                  # passkeys, platform biometrics, security keys
          # rp_id: localhost       # default: the host of server.public_url (or a parent domain of it)
          rp_name: StepUp          # shown in the browser's passkey dialog
          # origins: [http://localhost:8080]   # default: the origin of server.public_url
          attestation: none        # none: any authenticator; trusted: a chain to attestation_roots
          # attestation_roots: attestation-roots.pem   # PEM root certificates, needed with trusted
          # aaguids: []            # authenticator models allowed (8-4-4-4-12 hex); default: any
          user_verification: preferred   # preferred | required | discouraged (PIN or biometric)
          timeout_seconds: 300     # how long a ceremony may take

        network:
          trusted_proxies: []      # peers whose X-Forwarded-For is believed, e.g. [127.0.0.1]
          # country_header: CF-IPCountry
          # geoip_database: /var/lib/GeoIP/GeoLite2-City.mmdb   # MaxMind DB format (.mmdb)
          # geoip_ranges: [/usr/share/tor/geoip, /usr/share/tor/geoip6]   # apt-get install tor-geoipdb
          # reputation_lists: {tor_exits: /var/lib/stepup/tor-exits.txt}  # one CIDR per line

        forward_auth:              # /auth/verify for nginx, Caddy and Traefik (README "Forward auth")
          hosts: []                # hosts sign-in and step-up may return to, e.g. [app.example.com, "*.example.com"]
          # headers: {user: Remote-User, groups: Remote-Groups, name: Remote-Name, email: Remote-Email,
          #           level: StepUp-Level, acr: StepUp-Acr, auth_time: StepUp-Auth-Time}

        housekeeping:              # pruning of expired sessions, challenges, failure records and used nonces
          interval_seconds: 300
          retention_seconds: 3600  # kept this long after they end (never less than a window that counts them)

        gateway:                   # StepUp as the reverse proxy (README "The built-in gateway")
          routes: []               # e.g. [{host: app.example.com, upstream: "http://127.0.0.1:3000"}]
          timeout_seconds: 30
          max_bind_body_bytes: 65536
          upstream_connections: 256  # kept-alive connections per upstream; requests beyond wait for a free one
          assertion: false         # true: a signed StepUp-Assertion JWT on every forwarded request (OIDC keys)
          assertion_lifetime_seconds: 60

        metrics:
          # /metrics answers only a scraper that sends 'Authorization: Bearer <token>' (STEPUP_METRICS_TOKEN wins).
          # Remove the token to stop serving /metrics at all.
          token: "\(metricsToken)"

        """ + (vapidKey.map(outOfBandSection) ?? "")
    }

    /// E-mail, SMS and push approval, off until a channel is named (README "E-mail codes and the outbox", "SMS
    /// codes", "Push approval").
    static func outOfBandSection(vapidKey: String) -> String {
        """

        email:
          channel: none            # file (messages to a folder) | smtp (see README for email.smtp.*)
        sms:
          channel: none            # webhook (an SMS provider's API, templated) | file
        push:
          channel: none            # webpush: approvers get notifications with number matching
          subject: "mailto:admin@localhost"   # the contact push services see in VAPID tokens
          # The VAPID key (RFC 8292), sealed with secrets.sealing_keys; `stepup init` made it.
          vapid_key: "\(vapidKey)"

        """
    }
}
