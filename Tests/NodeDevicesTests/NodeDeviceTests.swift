import Foundation
import NetConf
import NetCore
import Netlink
import NodeDevices
import TestSupport
import Testing

@Suite("Node devices", .serialized)
struct NodeDeviceTests {
    @Test(arguments: [
        ("eth0", "52:54:00:12:34:56", "net_eth0_52_54_00_12_34_56"),
        ("lo", nil, "net_lo_00_00_00_00_00_00"),
        ("br-x.1", "02:00:00:00:00:01", "net_br_x_1_02_00_00_00_00_01"),
    ] as [(String, String?, String)])
    func namesFollowLibvirt(_ interface: String, _ mac: String?, _ expected: String) throws {
        let device = NetNodeDevice(interface: interface, mac: try mac.map { text throws(PatchbayError) in try MACAddress(text) })
        #expect(device.name == expected)
    }

    @Test func documentHasTheNetCapability() throws {
        let device = NetNodeDevice(interface: "veth0", mac: try MACAddress("02:00:00:00:00:0a"), path: "/sys/devices/virtual/net/veth0",
                                   speed: 10000, state: "up", features: ["rx", "tx"])
        #expect(device.formatted == """
            <device>
              <name>net_veth0_02_00_00_00_00_0a</name>
              <path>/sys/devices/virtual/net/veth0</path>
              <parent>computer</parent>
              <capability type='net'>
                <interface>veth0</interface>
                <address>02:00:00:00:00:0a</address>
                <link speed='10000' state='up'/>
                <feature name='rx'/>
                <feature name='tx'/>
                <capability type='80203'/>
              </capability>
            </device>

            """)
    }

    @Test func kernelDevicesAndTheirEvents() async throws {
        try await TestNamespace.with { ns in
            try ns.exec(["ip", "link", "add", "pbv0", "address", "02:00:00:00:00:0a", "type", "veth", "peer", "name", "pbv1"])
            let driver = NodeDeviceDriver(source: LinuxNetDevices(namespace: ns.path))
            let names = try driver.list()
            #expect(names.first == "computer")
            #expect(names.contains("net_pbv0_02_00_00_00_00_0a"))
            #expect(try driver.list(capability: "net").contains("net_lo_00_00_00_00_00_00"))
            #expect(try driver.parent(name: "net_pbv0_02_00_00_00_00_0a") == "computer")
            // A veth offloads checksums and scatter-gather, and has no LRO.
            let xml = try driver.xml(name: "net_pbv0_02_00_00_00_00_0a")
            #expect(xml.contains("<feature name='rx'/>") && xml.contains("<feature name='sg'/>"), "\(xml)")
            #expect(!xml.contains("<feature name='lro'/>"), "\(xml)")
            #expect(try driver.parent(name: "computer") == nil)
            #expect(throws: PatchbayError(.noNodeDevice, "no node device with matching name 'net_x'", domain: .nodeDevice)) {
                try driver.xml(name: "net_x")
            }
            let events = Events()
            try driver.watch(namespace: ns.path) { events.add($0) }
            defer { driver.stop() }
            try ns.exec(["ip", "link", "add", "pbv2", "address", "02:00:00:00:00:0b", "type", "veth", "peer", "name", "pbv3",
                         "address", "02:00:00:00:00:0c"])
            try ns.exec(["ip", "link", "del", "pbv2"])
            let deadline = Date().addingTimeInterval(20)
            while Date() < deadline, events.all.count < 4 { try await Task.sleep(nanoseconds: 20_000_000) }
            #expect(Set(events.all) == [.created("net_pbv2_02_00_00_00_00_0b"), .created("net_pbv3_02_00_00_00_00_0c"),
                                        .deleted("net_pbv2_02_00_00_00_00_0b"), .deleted("net_pbv3_02_00_00_00_00_0c")])
        }
    }
}

/// Device events must reach the daemon while Swift's cooperative pool is saturated by blocking
/// work (the task reading the link monitor's stream once ran there and waited with it).
@Suite("Node device events under load", .serialized)
struct NodeDeviceEventsUnderLoadTests {
    @Test func eventsArriveWhileTheCooperativePoolIsSaturated() async throws {
        // The async variant keeps the body in this task, so `watch` starts its reader at the
        // priority the hog's tasks have, as the daemon (an async caller) does.
        try await TestNamespace.with { ns in
            let driver = NodeDeviceDriver(source: LinuxNetDevices(namespace: ns.path))
            let events = Events()
            try driver.watch(namespace: ns.path) { events.add($0) }
            defer { driver.stop() }
            let hog = CooperativePoolHog()
            defer { hog.release() }
            try ns.exec(["ip", "link", "add", "pbv4", "address", "02:00:00:00:00:0d", "type", "veth", "peer", "name", "pbv5",
                         "address", "02:00:00:00:00:0e"])
            // Waits blocking: a Task.sleep here would itself wait for the hogged pool.
            let deadline = Date().addingTimeInterval(15)
            while Date() < deadline, events.all.count < 2 { usleep(20_000) }
            let pinned = !hog.poolHadASpareThread
            hog.release()
            #expect(Set(events.all) == [.created("net_pbv4_02_00_00_00_00_0d"), .created("net_pbv5_02_00_00_00_00_0e")])
            #expect(pinned, "the pool was not saturated: the test proves nothing")
        }
    }
}

final class Events: @unchecked Sendable {
    private let lock = NSLock()
    private var events: [NodeDeviceEvent] = []
    func add(_ event: NodeDeviceEvent) { lock.lock(); events.append(event); lock.unlock() }
    var all: [NodeDeviceEvent] { lock.lock(); defer { lock.unlock() }; return events }
}
