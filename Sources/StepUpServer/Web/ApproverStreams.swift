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
    /// Where the number of open streams is reported (`stepup_approver_streams_open`).
    private let metrics: StepUpMetrics?

    init(lifetime: Duration = .seconds(300), metrics: StepUpMetrics? = nil) {
        self.lifetime = lifetime
        self.metrics = metrics
    }

    /// A ticket for one more stream of `userID`, or `nil` when a limit is reached.
    func open(userID: String, perUser: Int, total: Int) -> Ticket? {
        let now = ContinuousClock.now
        tickets = tickets.filter { now - $0.value < lifetime + .seconds(60) }
        defer { metrics?.approverStreams(tickets.count) }
        guard tickets.count < total, tickets.keys.filter({ $0.userID == userID }).count < perUser else { return nil }
        let ticket = Ticket(id: UUID(), userID: userID)
        tickets[ticket] = now
        return ticket
    }

    func close(_ ticket: Ticket) {
        tickets[ticket] = nil
        metrics?.approverStreams(tickets.count)
    }
}
