import Foundation
import StepUpCore
import Synchronization

extension MemoryStore: SessionStore {
    public func createSession(_ session: Session, tokenHash: String) async throws {
        try state.withLock { state in
            try state.requireUser(session.userID)
            guard state.sessions[session.id] == nil, state.sessionIDByTokenHash[tokenHash] == nil else {
                throw StoreError.conflict("session \(session.id)")
            }
            state.sessions[session.id] = session
            state.sessionIDByTokenHash[tokenHash] = session.id
        }
    }

    public func session(tokenHash: String) async throws -> Session? {
        state.withLock { state in state.sessionIDByTokenHash[tokenHash].flatMap { state.sessions[$0] } }
    }

    public func session(id: String) async throws -> Session? {
        state.withLock { $0.sessions[id] }
    }

    public func appendEvent(sessionID: String, _ event: AuthenticationEvent) async throws {
        try state.withLock { state in
            guard let session = state.sessions[sessionID] else { throw StoreError.notFound("session \(sessionID)") }
            if session.events.contains(where: { $0.id == event.id }) { throw StoreError.conflict("event \(event.id)") }
            state.sessions[sessionID]?.events.append(event)
        }
    }

    public func touchSession(id: String, at: Date) async throws {
        try state.withLock { state in
            guard state.sessions[id] != nil else { throw StoreError.notFound("session \(id)") }
            state.sessions[id]?.lastSeenAt = at
        }
    }

    public func revokeSession(id: String, at: Date) async throws {
        try state.withLock { state in
            guard let session = state.sessions[id] else { throw StoreError.notFound("session \(id)") }
            // The first revocation time is the one that counts.
            if session.revokedAt == nil { state.sessions[id]?.revokedAt = at }
        }
    }

    public func activateSession(id: String, challengeID: String) async throws -> Bool {
        state.withLock { state in
            guard state.sessions[id]?.pendingChallengeID == challengeID else { return false }
            state.sessions[id]?.pendingChallengeID = nil
            return true
        }
    }

    public func replaceSessionToken(id: String, newTokenHash: String) async throws {
        try state.withLock { state in
            guard state.sessions[id] != nil else { throw StoreError.notFound("session \(id)") }
            guard state.sessionIDByTokenHash[newTokenHash] == nil else { throw StoreError.conflict("session token") }
            state.sessionIDByTokenHash = state.sessionIDByTokenHash.filter { $0.value != id }
            state.sessionIDByTokenHash[newTokenHash] = id
        }
    }
}

extension MemoryStore: ChallengeStore {
    public func createChallenge(_ challenge: Challenge) async throws {
        try state.withLock { state in
            guard state.challenges[challenge.id] == nil else { throw StoreError.conflict("challenge \(challenge.id)") }
            state.challenges[challenge.id] = challenge
        }
    }

    public func challenge(id: String) async throws -> Challenge? {
        state.withLock { $0.challenges[id] }
    }

    public func reserveAttempt(challengeID: String, at: Date) async throws -> Challenge? {
        state.withLock { state in
            guard var challenge = state.challenges[challengeID], challenge.status == .pending,
                  challenge.attemptsLeft > 0, !challenge.isExpired(at: at)
            else { return nil }
            challenge.attemptsLeft -= 1
            state.challenges[challengeID] = challenge
            return challenge
        }
    }

    public func closeIfExhausted(challengeID: String) async throws -> Challenge? {
        state.withLock { state in
            guard var challenge = state.challenges[challengeID] else { return nil }
            if challenge.status == .pending, challenge.attemptsLeft <= 0 { challenge.status = .failed }
            state.challenges[challengeID] = challenge
            return challenge
        }
    }

    public func markSatisfied(challengeID: String, at: Date, proof: GrantProof?) async throws -> Bool {
        state.withLock { state in
            guard state.challenges[challengeID]?.status == .pending else { return false }
            state.challenges[challengeID]?.status = .satisfied
            state.challenges[challengeID]?.satisfiedAt = at
            state.challenges[challengeID]?.proof = proof
            return true
        }
    }

    public func consumeGrant(challengeID: String, at: Date) async throws -> Bool {
        state.withLock { state in
            guard state.challenges[challengeID]?.status == .satisfied else { return false }
            state.challenges[challengeID]?.status = .consumed
            return true
        }
    }
}
