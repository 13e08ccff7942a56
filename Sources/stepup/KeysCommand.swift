import ArgumentParser
import Foundation
import StepUpOIDC
import StepUpServer

/// `stepup keys list|rotate`: the OpenID Provider's ES256 signing keys (sealed in the database).
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "List or rotate the OpenID Provider's token signing keys.",
        subcommands: [List.self, Rotate.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List signing keys: active, published or retired.")
        @OptionGroup var options: ConfigOptions

        func run() async throws {
            try await UserCommand.withRuntime(options) { runtime in
                let formatter = ISO8601DateFormatter()
                let now = Date()
                for key in try await runtime.oidc.allKeys() {
                    let state = key.retiredAt == nil ? "active"
                        : key.isPublished(at: now) ? "published until \(formatter.string(from: key.publishedUntil!))"
                        : "retired"
                    print("\(key.id)\tES256\tcreated \(formatter.string(from: key.createdAt))\t\(state)")
                }
            }
        }
    }

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a new active key; the old one stays in the JWKS until the tokens it signed expire.")
        @OptionGroup var options: ConfigOptions

        func run() async throws {
            try await UserCommand.withRuntime(options) { runtime in
                let key = try await runtime.oidc.rotateKeys()
                print("active=\(key.id)")
            }
        }
    }
}
