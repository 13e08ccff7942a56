import ArgumentParser
import Foundation
import StepUpCore
import StepUpServer

/// `stepup outbox list|retry`: what the durable outbox holds, and putting failed messages back.
struct OutboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outbox",
        abstract: "Show the outbox of e-mail and SMS messages, and retry failed ones.",
        subcommands: [List.self, Retry.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List messages, newest first (never their content: it holds codes).")
        @OptionGroup var options: ConfigOptions
        @Option(help: "Only pending, sent or failed messages.") var status: String?
        @Option(help: "At most this many.") var limit: Int = 50

        func validate() throws {
            if let status, OutboxMessage.Status(rawValue: status) == nil {
                throw ValidationError("--status must be pending, sent or failed")
            }
            guard (1...10_000).contains(limit) else { throw ValidationError("--limit must be 1…10000") }
        }

        func run() async throws {
            try await UserCommand.withRuntime(options) { runtime in
                let formatter = ISO8601DateFormatter()
                let messages = try await runtime.service.stores.outbox.outboxMessages(
                    status: status.flatMap(OutboxMessage.Status.init), limit: limit)
                for message in messages {
                    let next = message.status == .pending ? "\tnext \(formatter.string(from: message.nextAttemptAt))" : ""
                    let error = message.lastError.map { "\t\($0)" } ?? ""
                    print("\(message.id)\t\(message.channel)\t\(message.status.rawValue)\tattempts \(message.attempts)"
                        + "\tcreated \(formatter.string(from: message.createdAt))\(next)\(error)")
                }
                if messages.isEmpty { print("no messages") }
            }
        }
    }

    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Put failed messages back in the queue (one by id, or all with --all).")
        @OptionGroup var options: ConfigOptions
        @Argument(help: "The message id (from `stepup outbox list`).") var id: String?
        @Flag(help: "Every failed message.") var all = false

        func validate() throws {
            guard (id != nil) != all else { throw ValidationError("give a message id or --all, not both") }
        }

        func run() async throws {
            try await UserCommand.withRuntime(options) { runtime in
                let count = try await runtime.service.stores.outbox.retryFailed(id: all ? nil : id, at: Date())
                if count == 0, let id { throw CLIError("no failed message '\(id)'") }
                print("queued \(count) message\(count == 1 ? "" : "s") again")
            }
        }
    }
}
