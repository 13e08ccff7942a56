extension Policy {
    /// Test cases for ``demoYAML``, in the format of `stepup policy test` (kept beside the policy like unit tests).
    public static let demoCasesYAML = """
    # Run with: stepup policy test demo-policy.yaml demo-cases.yaml
    cases:
      - name: viewing the balance needs only a sign-in
        action: bank.balance.view
        session: {factors: [password]}
        expect: {outcome: allow, rules: [balance-view]}

      - name: a small transfer with a recent second factor goes through
        action: bank.transfer
        context: {transaction: {amount: 20, currency: EUR, payee: Bob}}
        session: {factors: [password, {factor: totp, age: 2m}]}
        expect: {outcome: allow, rules: [transfer]}

      - name: a small transfer with a stale sign-in and second factor steps up
        action: bank.transfer
        context: {transaction: {amount: 20}}
        session: {factors: [{factor: password, age: 10m}, {factor: totp, age: 10m}]}
        expect: {outcome: step_up, level: aal2, max_age: 5m}

      - name: a large transfer needs a fresh approval of exactly this transfer
        action: bank.transfer
        context: {transaction: {amount: 1500, currency: EUR, payee: ACME Ltd}}
        session: {factors: [password, {factor: totp, age: 1m}]}
        expect:
          outcome: step_up
          level: aal2
          max_age: 0
          bind: [amount, currency, payee]
          rules: [transfer, transfer-large]
          message: "Approve transfer of {{amount}} {{currency}} to {{payee}}"

      - name: exporting needs two factors
        action: bank.export
        session: {factors: [password]}
        expect: {outcome: step_up, level: aal2, rules: [export]}

      - name: adding a factor with a recent second factor goes through
        action: account.factors.manage
        session: {factors: [{factor: password, age: 2h}, {factor: totp, age: 5m}]}
        expect: {outcome: allow, rules: [security-settings]}

      - name: adding a factor after a sign-in alone steps up
        action: account.factors.manage
        session: {factors: [password]}
        expect: {outcome: step_up, level: aal2, max_age: 15m, rules: [security-settings]}

      - name: managing devices with a stale sign-in and second factor steps up
        action: account.devices.manage
        session: {factors: [{factor: password, age: 20m}, {factor: totp, age: 20m}]}
        expect: {outcome: step_up, level: aal2, max_age: 15m, rules: [security-settings]}

      - name: the admin area is for administrators only
        action: admin.users.list
        subject: {roles: [teller]}
        expect: {outcome: deny, reason: administrators only}

      - name: administrators need aal3
        action: admin.users.list
        subject: {roles: [admin]}
        session: {factors: [password, totp]}
        expect: {outcome: step_up, level: aal3, rules: [admin-aal3]}

      - name: medium risk raises anything to aal2
        action: bank.statements
        risk: {band: medium, signals: [new_device]}
        session: {factors: [password]}
        expect: {outcome: step_up, level: aal2, rules: [risky-needs-aal2, default]}
    """
}
