import ArgumentParser
import Foundation
import StepUpCore
import StepUpServer

struct InitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Write a commented stepup.yaml (with new secrets) and a policy.yaml."
    )

    @Option(help: "Where to write the files.")
    var directory: String = "."

    @Option(help: "Which policy to start from: default (NIST AAL1–AAL3) or demo (Acme Bank).")
    var policy: String = "default"

    @Flag(help: "Overwrite existing files.")
    var force = false

    func validate() throws {
        guard ["default", "demo"].contains(policy) else { throw ValidationError("--policy is 'default' or 'demo'") }
    }

    func run() async throws {
        let folder = URL(fileURLWithPath: directory)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let configPath = folder.appendingPathComponent("stepup.yaml").path
        let policyPath = folder.appendingPathComponent("policy.yaml").path
        for path in [configPath, policyPath] where FileManager.default.fileExists(atPath: path) && !force {
            throw CLIError("\(path) exists; pass --force to overwrite it")
        }
        let secrets = Self.generateSecrets()
        let config = ConfigTemplate.render(sealingKeys: secrets.sealingKeys, cookieKey: secrets.cookieKey,
                                           metricsToken: secrets.metricsToken,
                                           vapidKey: try VAPIDKeys.generateSealed(sealingKeys: secrets.sealingKeys))
        guard FileManager.default.createFile(atPath: configPath, contents: Data(config.utf8),
                                             attributes: [.posixPermissions: 0o600])
        else { throw CLIError("cannot write \(configPath)") }
        try (policy == "demo" ? Policy.demoYAML : Policy.defaultYAML).write(toFile: policyPath, atomically: true,
                                                                            encoding: .utf8)
        print("wrote \(configPath) (secrets inside: keep it private)")
        print("wrote \(policyPath)")
        if policy == "demo" {
            let casesPath = folder.appendingPathComponent("policy-cases.yaml").path
            try Policy.demoCasesYAML.write(toFile: casesPath, atomically: true, encoding: .utf8)
            print("wrote \(casesPath) (run: stepup policy test \(policyPath) \(casesPath))")
        }
        print("next: echo 'a long password' | stepup user add alice --config \(configPath)")
        print("      stepup serve --config \(configPath)")
    }

    static func generateSecrets() -> (sealingKeys: String, cookieKey: String, metricsToken: String) {
        ResolvedSecrets.generate()
    }
}
