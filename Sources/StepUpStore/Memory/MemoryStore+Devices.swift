import Foundation
import StepUpCore
import Synchronization

extension MemoryStore: DeviceStore {
    public func device(userID: String, deviceID: String) async throws -> DeviceRecord? {
        state.withLock { $0.devices[DeviceKey(userID: userID, deviceID: deviceID)] }
    }

    @discardableResult
    public func recordDeviceSeen(userID: String, deviceID: String, label: String, at: Date) async throws
        -> DeviceRecord
    {
        try state.withLock { state in
            try state.requireUser(userID)
            let key = DeviceKey(userID: userID, deviceID: deviceID)
            var device = state.devices[key]
                ?? DeviceRecord(userID: userID, deviceID: deviceID, label: label, firstSeen: at, lastSeen: at)
            device.lastSeen = at
            device.revoked = false
            state.devices[key] = device
            return device
        }
    }

    public func trustDevice(userID: String, deviceID: String, until: Date) async throws {
        try state.withLock { state in
            let key = DeviceKey(userID: userID, deviceID: deviceID)
            guard state.devices[key] != nil else { throw StoreError.notFound("device \(deviceID)") }
            state.devices[key]?.trustedUntil = until
            state.devices[key]?.revoked = false
        }
    }

    public func revokeDevice(userID: String, deviceID: String) async throws {
        try state.withLock { state in
            let key = DeviceKey(userID: userID, deviceID: deviceID)
            guard state.devices[key] != nil else { throw StoreError.notFound("device \(deviceID)") }
            state.devices[key]?.revoked = true
            state.devices[key]?.trustedUntil = nil
        }
    }

    public func devices(userID: String) async throws -> [DeviceRecord] {
        state.withLock { state in state.devices.values.filter { $0.userID == userID } }
            .sorted { ($0.firstSeen, $0.deviceID) < ($1.firstSeen, $1.deviceID) }
    }
}
