import Foundation
import GuestDriver
import NetConf
import NetCore
import Testing

@Suite struct GuestDriverUpdateDeviceTests {
    @Test func liveUnplugMoveAndPlugGoThroughTheWiring() throws {
        let bench = try DriverBench()
        _ = try bench.driver.define(xml: DriverBench.guest())
        let started = try bench.driver.start(name: "g1", paused: false)
        try bench.driver.updateDevice(name: "g1", xml: "<interface type='none'><mac address='52:54:00:00:00:01'/></interface>", flags: .live)
        #expect(bench.nics.applied["net0"]?.type == .null)
        #expect(try bench.driver.xml(name: "g1", flags: []).contains("<interface type='null'>"))
        // The stored definition is unchanged by a live-only update.
        #expect(try bench.driver.xml(name: "g1", flags: .inactive).contains("<source network='a'/>"))
        try bench.driver.updateDevice(name: "g1", xml: "<interface type='network'><mac address='52:54:00:00:00:02'/><source network='b'/></interface>",
                                      flags: [.live, .config])
        #expect(bench.nics.applied["net1"]?.source == .network(name: "b", portgroup: nil, portID: nil))
        #expect(bench.nics.applied["net1"]?.model?.name == "virtio")
        let inactive = try bench.driver.xml(name: "g1", flags: .inactive)
        #expect(inactive.contains("<source network='b'/>"))
        try bench.driver.destroy(name: "g1")
        #expect(started.id == 1)
    }

    @Test func refusesWhatNeedsANewDevice() throws {
        let bench = try DriverBench()
        _ = try bench.driver.define(xml: DriverBench.guest())
        _ = try bench.driver.start(name: "g1", paused: false)
        #expect(throws: PatchbayError.self) {
            try bench.driver.updateDevice(name: "g1", xml: "<interface type='network'><mac address='52:54:00:00:00:01'/><source network='b'/><model type='e1000'/></interface>", flags: .live)
        }
        #expect(throws: PatchbayError.self) {
            try bench.driver.updateDevice(name: "g1", xml: "<interface type='network'><mac address='52:54:00:00:00:99'/><source network='b'/></interface>", flags: .live)
        }
        try bench.driver.destroy(name: "g1")
    }

    @Test func configOnlyWhenShutOffAndLiveRefused() throws {
        let bench = try DriverBench()
        _ = try bench.driver.define(xml: DriverBench.guest())
        #expect(throws: PatchbayError.self) {
            try bench.driver.updateDevice(name: "g1", xml: "<interface type='null'><mac address='52:54:00:00:00:01'/></interface>", flags: .live)
        }
        try bench.driver.updateDevice(name: "g1", xml: "<interface type='null'><mac address='52:54:00:00:00:01'/></interface>", flags: [])
        #expect(try bench.driver.xml(name: "g1", flags: []).components(separatedBy: "<interface type='null'>").count == 3)
        #expect(bench.host.stepsLog.isEmpty)
    }

    @Test func domiftuneReadsAndSetsThroughUpdateDevice() throws {
        let bench = try DriverBench()
        _ = try bench.driver.define(xml: DriverBench.guest())
        _ = try bench.driver.start(name: "g1", paused: false)
        var bandwidth = DomainInterfaceBandwidth()
        bandwidth.inboundAverage = 1000
        bandwidth.inboundBurst = 2000
        try bench.driver.setInterfaceBandwidth(name: "g1", device: "vnet0", bandwidth, flags: .live)
        #expect(bench.nics.applied["net0"]?.bandwidth?.inbound?.average?.value == 1000)
        let read = try bench.driver.interfaceBandwidth(name: "g1", device: "52:54:00:00:00:01", flags: .live)
        #expect(read.inboundAverage == 1000 && read.inboundBurst == 2000 && read.outboundAverage == 0)
        try bench.driver.destroy(name: "g1")
    }
}

@Suite struct GuestDriverInterfaceStatsTests {
    /// libvirt reports a NIC's counters from the guest's side: the tap's transmit is the guest's receive.
    @Test func statsAreSwappedToTheGuestsSide() throws {
        let bench = try DriverBench()
        _ = try bench.driver.define(xml: DriverBench.guest())
        _ = try bench.driver.start(name: "g1", paused: false)
        let stats = try bench.driver.interfaceStats(name: "g1", device: "vnet0")
        #expect(stats.rxBytes == 5000 && stats.rxPackets == 40 && stats.rxDrops == 1 && stats.txBytes == 100 && stats.txPackets == 2)
        #expect(throws: PatchbayError.self) { _ = try bench.driver.interfaceStats(name: "g1", device: "vnet9") }
        try bench.driver.destroy(name: "g1")
    }
}
