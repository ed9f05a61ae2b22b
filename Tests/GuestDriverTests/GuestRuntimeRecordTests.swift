import GuestDriver
import NetCore
import Testing

@Suite struct GuestRuntimeRecordTests {
    static let uuid = (try? LibvirtUUID("5e0c0000-0000-4000-8000-0000000000aa")) ?? LibvirtUUID.random()

    @Test(arguments: ["tiny", "a name with spaces=and equals", "two\nlines", "ends with newline\n", "tap=fake"])
    func roundTrips(name: String) throws {
        let record = GuestRuntimeRecord(name: name, uuid: Self.uuid, id: 7, phase: .running,
                                        process: QEMUProcessID(pid: 4242, startTime: 987654321), monitorPath: "/run/patchbay/qemu/run/x.qmp",
                                        pidFile: "/run/patchbay/qemu/run/x.pid", taps: [("net0", "vnet0"), ("ua-lan", "lan0")],
                                        transient: true, paused: true)
        let decoded = try GuestRuntimeRecord(decoding: record.encoded)
        #expect(decoded == record)
        #expect(decoded.name == name && decoded.taps.map(\.tap) == ["vnet0", "lan0"] && decoded.process?.startTime == 987654321)
    }

    @Test func aRecordWithoutProcessIsAStartThatDidNotSpawn() throws {
        let record = GuestRuntimeRecord(name: "g", uuid: Self.uuid, id: 1, phase: .starting, monitorPath: "/m", pidFile: "/p", transient: false)
        let decoded = try GuestRuntimeRecord(decoding: record.encoded)
        #expect(decoded.process == nil && decoded.phase == .starting && decoded.taps.isEmpty)
    }

    @Test(arguments: ["", "uuid=x\nname=g\n", "id=1\nphase=running\nmonitor=/m\npidfile=/p\nname=g\n",
                      "uuid=5e0c0000-0000-4000-8000-0000000000aa\nid=1\nphase=flying\nmonitor=/m\npidfile=/p\nname=g\n"])
    func refusesDamagedRecords(text: String) {
        #expect(throws: PatchbayError.self) { _ = try GuestRuntimeRecord(decoding: text) }
    }
}
