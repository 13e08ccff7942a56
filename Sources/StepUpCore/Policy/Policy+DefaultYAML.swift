extension Policy {
    /// The policy `stepup init` writes: the NIST SP 800-63B-4 ladder and a small, commented rule set.
    public static let defaultYAML = """
    # StepUp policy. Reference: README "Policy file". Check it with: stepup policy check policy.yaml
    version: 1

    # The assurance ladder, weakest first (NIST SP 800-63B-4 AAL1-AAL3).
    # A level is met by any one of its combinations; each condition in a combination needs its own fresh event.
    levels:
      aal1:
        acr: urn:stepup:acr:aal1
        acr_aliases: [aal1, "1"]
        combinations:
          - [any]                      # any single factor
        max_age: 30d                   # reauthenticate at least every 30 days
        idle_timeout: 30d
      aal2:
        acr: urn:stepup:acr:aal2
        acr_aliases: [aal2, "2"]
        combinations:
          - [password, {factors: [totp, hotp, webauthn, push, sms_otp, email_otp, recovery_code]}]
          - [{phishing_resistant: true, user_verified: true}]   # e.g. a passkey
        max_age: 24h                   # 800-63B-4: reauthenticate every 24 hours ...
        idle_timeout: 1h               # ... or after 1 hour of inactivity
      aal3:
        acr: urn:stepup:acr:aal3
        acr_aliases: [aal3, "3"]
        combinations:
          - [{phishing_resistant: true, user_verified: true, hardware_bound: true}]
          - [{phishing_resistant: true, hardware_bound: true}, password]
        max_age: 12h                   # 800-63B-4: every 12 hours ...
        idle_timeout: 15m              # ... or after 15 minutes of inactivity

    # What applies when no rule names the action: allow, deny, or a level.
    default: aal1

    rules:
      # Anything under "admin." needs the strongest level, and only admins get in at all.
      - id: admin-aal3
        match: {action: "admin.**"}
        require: aal3
      - id: admin-role-only
        match:
          action: "admin.**"
          subject: {not_roles: [admin]}
        deny: Only administrators can do this.

      # Changing how you sign in (factors, recovery codes, trusted devices, password) needs a recent second
      # factor (OWASP ASVS 5.0 7.5.1).
      - id: security-settings
        description: Managing sign-in factors, devices or the password needs aal2 with a step-up in the last 15 minutes.
        match: {action: ["account.factors.*", "account.devices.manage", "account.password.change"]}
        require: {level: aal2, max_age: 15m}

      # A risky-looking request needs at least two factors, whatever it is.
      - id: risky-needs-aal2
        match: {risk: medium}
        require: aal2

    # Risk scoring: band thresholds and per-signal weights (see README "Risk").
    risk:
      thresholds: {medium: 30, high: 60, critical: 90}
    """
}
