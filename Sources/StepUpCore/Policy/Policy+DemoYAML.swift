extension Policy {
    /// The "Acme Bank" policy `stepup serve --demo` runs with.
    public static let demoYAML = """
    # Acme Bank demo policy: see how StepUp steps a user up. Reference: README "Policy file".
    version: 1

    levels:
      aal1:
        acr: urn:stepup:acr:aal1
        acr_aliases: [aal1, "1"]
        combinations: [[any]]
        max_age: 30d
        idle_timeout: 30d
      aal2:
        acr: urn:stepup:acr:aal2
        acr_aliases: [aal2, "2"]
        combinations:
          - [password, {factors: [totp, hotp, webauthn, push, sms_otp, email_otp, recovery_code]}]
          - [{phishing_resistant: true, user_verified: true}]
        max_age: 24h
        idle_timeout: 1h
      aal3:
        acr: urn:stepup:acr:aal3
        acr_aliases: [aal3, "3"]
        combinations:
          - [{phishing_resistant: true, user_verified: true, hardware_bound: true}]
          - [{phishing_resistant: true, hardware_bound: true}, password]
        max_age: 12h
        idle_timeout: 15m

    # Anything else a signed-in customer does needs a sign-in.
    default: aal1

    rules:
      - id: balance-view
        description: Viewing the balance needs a sign-in.
        match: {action: bank.balance.view}
        require: aal1

      - id: transfer
        description: Any transfer needs two factors, used in the last 5 minutes.
        match: {action: bank.transfer}
        require: {level: aal2, max_age: 5m}

      - id: transfer-large
        description: A transfer above 1,000 needs a fresh approval of exactly this transfer.
        match:
          action: bank.transfer
          context: {amount: {">": 1000}}
        require:
          level: aal2
          max_age: 0
          bind: [amount, currency, payee]
          message: "Approve transfer of {{amount}} {{currency}} to {{payee}}"

      - id: export
        description: Exporting statements needs two factors.
        match: {action: ["bank.export", "bank.export.**"]}
        require: aal2

      - id: security-settings
        description: Managing sign-in factors or devices needs two factors, one in the last 15 minutes (ASVS 5.0 7.5.1).
        match: {action: [account.factors.manage, account.devices.manage]}
        require: {level: aal2, max_age: 15m}

      - id: admin-aal3
        description: The admin area needs a hardware-bound, phishing-resistant factor.
        match: {action: "admin.**"}
        require: aal3

      - id: admin-role-only
        match:
          action: "admin.**"
          subject: {not_roles: [admin]}
        deny: The admin area is for Acme Bank administrators only.

      - id: risky-needs-aal2
        description: A medium or higher risk raises anything to at least two factors.
        match: {risk: medium}
        require: aal2

    risk:
      thresholds: {medium: 30, high: 60, critical: 90}
    """
}
