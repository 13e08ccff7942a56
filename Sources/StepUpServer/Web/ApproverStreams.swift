import Foundation

/// Counts the open approver pages' event streams: at most `perUser` per user and `total` in this process, so a
/// signed-in user (or many) cannot hold the server's connections. A ticket older than `lifetime` (plus a minute)
/// no longer counts even if its stream never said goodbye.
actor ApproverStreams {
    struct Ticket: Sendable, Hashable {
        let id: UUID
        let userID: String
    }

    private var tickets: [Ticket: ContinuousClock.Instant] = [:]
    let lifetime: Duration

    init(lifetime: Duration = .seconds(300)) {
        self.lifetime = lifetime
    }

    /// A ticket for one more stream of `userID`, or `nil` when a limit is reached.
    func open(userID: String, perUser: Int, total: Int) -> Ticket? {
        let now = ContinuousClock.now
        tickets = tickets.filter { now - $0.value < lifetime + .seconds(60) }
        guard tickets.count < total, tickets.keys.filter({ $0.userID == userID }).count < perUser else { return nil }
        let ticket = Ticket(id: UUID(), userID: userID)
        tickets[ticket] = now
        return ticket
    }

    func close(_ ticket: Ticket) {
        tickets[ticket] = nil
    }

    var count: Int { tickets.count }
}
