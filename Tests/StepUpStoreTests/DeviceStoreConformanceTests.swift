import Foundation
import StepUpCore
import StepUpStore
import Testing

@Suite("Devices, every backend", .timeLimit(.minutes(5)))
struct DeviceStoreConformanceTests {
    @Test(arguments: Backend.allCases)
    func firstSightingInsertsLaterOnesMoveLastSeen(_ backend: Backend) async throws {
        try await withBackend(backend) { harness in
            let devices = harness.stores.devices
            try await makeUser(harness.stores)
            let first = try await devices.recordDeviceSeen(userID: "u1", deviceID: "d1", label: "Firefox", at: t0)
            #expect(first == DeviceRecord(userID: "u1", deviceID: "d1", label: "Firefox", firstSeen: t0, lastSeen: t0))
            let again = try await devices.recordDeviceSeen(userID: "u1", deviceID: "d1", label: "Renamed", at: at(60))
            #expect(again.firstSeen == t0)
            #expect(again.lastSeen == at(60))
            #expect(again.label == "Firefox")
            #expect(try await devices.device(userID: "u1", deviceID: "d1") == again)
            #expect(try await devices.device(userID: "u1", deviceID: "d2") == nil)
            await #expect(throws: StoreError.notFound("user ghost")) {
                try await devices.recordDeviceSeen(userID: "ghost", deviceID: "d1", label: "x", at: t0)
            }
        }
    }

    @Test(arguments: Backend.allCases)
    func trustRevokeAndList(_ backend: Backend) async throws {
        try await withBackend(backend) { harness in
            let devices = harness.stores.devices
            try await makeUser(harness.stores)
            try await makeUser(harness.stores, id: "u2", username: "bob")
            try await devices.recordDeviceSeen(userID: "u1", deviceID: "d2", label: "Phone", at: at(10))
            try await devices.recordDeviceSeen(userID: "u1", deviceID: "d1", label: "Laptop", at: at(0))
            try await devices.recordDeviceSeen(userID: "u2", deviceID: "d1", label: "Other", at: at(5))

            try await devices.trustDevice(userID: "u1", deviceID: "d1", until: at(86_400))
            #expect(try await devices.device(userID: "u1", deviceID: "d1")?.isTrusted(at: at(100)) == true)
            #expect(try await devices.device(userID: "u1", deviceID: "d1")?.isTrusted(at: at(86_400)) == false)
            #expect(try await devices.device(userID: "u2", deviceID: "d1")?.isTrusted(at: at(100)) == false)

            try await devices.revokeDevice(userID: "u1", deviceID: "d1")
            let revoked = try await devices.device(userID: "u1", deviceID: "d1")
            #expect(revoked?.revoked == true)
            #expect(revoked?.isTrusted(at: at(100)) == false)

            #expect(try await devices.devices(userID: "u1").map(\.deviceID) == ["d1", "d2"])
            #expect(try await devices.devices(userID: "u2").map(\.label) == ["Other"])
            await #expect(throws: StoreError.notFound("device dx")) {
                try await devices.trustDevice(userID: "u1", deviceID: "dx", until: t0)
            }
            await #expect(throws: StoreError.notFound("device dx")) {
                try await devices.revokeDevice(userID: "u1", deviceID: "dx")
            }
        }
    }
}
