import Foundation
import StepUpCore

extension StepUpService {
    /// How recent a second factor must be for the user to vouch for the device they are on.
    static let trustConfirmationWindow: TimeInterval = 15 * 60

    public func devices(of user: UserRecord) async throws -> [DeviceRecord] {
        try await stores.devices.devices(userID: user.id).sorted { $0.lastSeen > $1.lastSeen }
    }

    /// Asks the policy (`account.devices.manage`) whether this session may change the user's devices; `nil`
    /// when it may, else the step-up to complete. A user with no second factor has nothing stronger to prove.
    public func authorizeDeviceChange(session: Session, user: UserRecord, client: ClientInfo,
                                      grantID: String? = nil) async throws -> StepUpOutcome? {
        guard try await !enrolledKinds(userID: user.id).isEmpty else { return nil }
        return try await authorize(Self.manageDevicesAction, session: session, user: user, client: client,
                                   grantID: grantID)
    }

    /// "This was me": after a recent step-up the user marks the device the session proved as trusted (30 days).
    public func trustCurrentDevice(session: Session, user: UserRecord, client: ClientInfo) async throws
        -> DeviceRecord
    {
        let at = now()
        guard let deviceID = session.deviceID else {
            throw StepUpError.badRequest("this session proved no device (device cookie, device_secret or device_proof)")
        }
        let recent = session.events.contains {
            $0.factor != .password && at.timeIntervalSince($0.at) <= Self.trustConfirmationWindow
        }
        guard recent else {
            throw StepUpError(.stepUpRequired, "trusting a device needs a second factor used in the last 15 minutes")
        }
        var client = try await risk.resolve(client)
        client.deviceID = deviceID
        try await risk.recordSuccess(user: user, client: client, at: at)
        try await risk.trustDevice(user: user, deviceID: deviceID, at: at)
        try await auditor.record("device.trusted", at: at, user: user.id, session: session.id, client: client,
                                 details: ["device": deviceID])
        guard let record = try await stores.devices.device(userID: user.id, deviceID: deviceID) else {
            throw StepUpError.notFound("device")
        }
        return record
    }

    /// Revokes one of the user's devices: it is new again at its next use (and loses any trust).
    public func revokeDevice(user: UserRecord, deviceID: String, by actor: String, client: ClientInfo?) async throws {
        guard deviceID.count <= 128, try await stores.devices.device(userID: user.id, deviceID: deviceID) != nil else {
            throw StepUpError.notFound("device '\(deviceID.prefix(64))'")
        }
        try await stores.devices.revokeDevice(userID: user.id, deviceID: deviceID)
        try await auditor.record("device.revoked", at: now(), user: user.id, client: client,
                                 details: ["device": deviceID, "by": actor])
    }

    /// An admin vouches for a device (e.g. a managed laptop) until `until`; a revoked device is reinstated.
    public func adminTrustDevice(user: UserRecord, deviceID: String, until: Date, by actor: String) async throws {
        try await stores.devices.recordDeviceSeen(userID: user.id, deviceID: deviceID, label: "Marked by an admin",
                                                  at: now())
        try await stores.devices.trustDevice(userID: user.id, deviceID: deviceID, until: until)
        try await auditor.record("device.trusted", at: now(), user: user.id,
                                 details: ["device": deviceID, "by": actor, "until": ISO8601DateFormatter().string(from: until)])
    }

    /// An admin marks an address or range trusted or blocked (risk: list hits forgiven, or a reputation hit).
    public func setAddressRule(_ rule: AddressRule, by actor: String) async throws {
        try await stores.addressRules.setAddressRule(rule)
        try await auditor.record("address.\(rule.verdict.rawValue)", at: now(),
                                 details: ["cidr": rule.cidr, "note": rule.note, "by": actor])
    }

    public func removeAddressRule(cidr: String, by actor: String) async throws {
        try await stores.addressRules.removeAddressRule(cidr: cidr)
        try await auditor.record("address.removed", at: now(), details: ["cidr": cidr, "by": actor])
    }
}
