import Foundation

/// Writes each message to a folder as an RFC 5322 text file named after its idempotency key: for the demo and
/// for development, where no mail server is at hand. A repeat of one key overwrites the same file.
public struct FileChannel: MessageChannel {
    public let directory: String
    public let from: String

    public init(directory: String, from: String) {
        self.directory = directory
        self.from = from
    }

    public func deliver(_ message: OutboundMessage) async throws {
        let name = String(message.idempotencyKey.unicodeScalars.map {
            CharacterSet.alphanumerics.contains($0) || $0 == "-" || $0 == "_" ? Character($0) : "_"
        }) + ".eml"
        let folder = URL(fileURLWithPath: directory, isDirectory: true)
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            // Written aside and renamed: a reader never sees half a message.
            let text = MailText.render(message, from: from, date: Date())
            try Data(text.utf8).write(to: folder.appendingPathComponent(name), options: .atomic)
        } catch {
            throw DeliveryError("cannot write to \(directory): \(error.localizedDescription)")
        }
    }
}
