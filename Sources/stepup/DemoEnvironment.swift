import Foundation
import StepUpCore
import StepUpServer

/// `stepup serve --demo` without a configuration: a temporary directory with the demo policy and new secrets.
enum DemoEnvironment {
    static func prepare() throws -> (configuration: ServerConfiguration, directory: String) {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("stepup-demo-\(ProcessInfo.processInfo.processIdentifier)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let policy = directory.appendingPathComponent("policy.yaml")
        try Policy.demoYAML.write(to: policy, atomically: true, encoding: .utf8)
        let secrets = InitCommand.generateSecrets()
        var configuration = ServerConfiguration()
        configuration.storage.sqlitePath = directory.appendingPathComponent("stepup.sqlite").path
        configuration.policyFile = policy.path
        configuration.secrets.sealingKeys = secrets.sealingKeys
        configuration.secrets.cookieKey = secrets.cookieKey
        configuration.metrics.token = secrets.metricsToken
        configuration.demo = true
        // alice's e-mail codes are written to a folder (the file channel), one .eml file per message.
        configuration.email.channel = .file
        configuration.email.directory = directory.appendingPathComponent("mail").path
        // Push approval: browsers enrol from the account page; without a push service an open approver page
        // (/approve, server-sent events) still gets the requests, so number matching works offline.
        configuration.push.channel = .webpush
        configuration.push.vapidKey = try VAPIDKeys.generateSealed(sealingKeys: secrets.sealingKeys)
        return (configuration, directory.path)
    }

    static func printWelcome(_ seeded: DemoSeeder.Seeded, directory: String?, publicURL: String,
                             metricsToken: String?, mailDirectory: String? = nil) {
        var lines = ["", "StepUp demo — Acme Bank", ""]
        if let directory { lines.append("  data:        \(directory) (temporary)") }
        lines.append("  open:        \(publicURL)/demo")
        for account in seeded.accounts {
            lines.append("  user:        \(account.username) / \(account.password)  (roles: \(account.roles.joined(separator: ", ")))")
        }
        lines.append("  alice TOTP:  \(seeded.totpSecret)")
        lines.append("               codes: oathtool --totp -b \(seeded.totpSecret)")
        lines.append("               app:   \(seeded.totpURI)")
        lines.append("  alice recovery codes: \(seeded.recoveryCodes.prefix(3).joined(separator: "  ")) …")
        if let email = seeded.email, let mail = mailDirectory {
            lines.append("  alice e-mail codes: \(email), messages written to \(mail)")
        }
        lines.append("  approvals:   enrol a browser on /account (Approve step-ups on this device), keep \(publicURL)/approve")
        lines.append("               open in a second tab, then step up with Approve on my phone")
        if let metricsToken {
            lines.append("  metrics:     curl -H 'authorization: Bearer \(metricsToken)' \(publicURL)/metrics")
        }
        lines.append("")
        emit(lines.joined(separator: "\n"))
    }
}
