import HostNet
import NetConf
import NetCore
import TestSupport
import Testing

/// The floor plans a running network gets (`floorPlug`, `floorUnplug`) against the tree a fresh
/// start with the same floors installs (`networkStart`): tc lines folded into a tree, no kernel.
@Suite("Floor plans: plugged live equals started fresh")
struct FloorPlanTests {
    static let bridge = "pbfp0"

    static func floor(_ classID: UInt32, _ kibibytes: UInt64) throws -> PortFloor {
        PortFloor(classID: classID, floor: try KibibytesPerSecond(kibibytes),
                  mac: try MACAddress("52:54:00:00:0f:\(classID + 10)"))
    }

    static func fresh(_ floors: [PortFloor], _ inbound: BandwidthRate) -> TrafficControlTree {
        TrafficControlTree(BandwidthPlan.networkStart(bridge: bridge, inbound: inbound, floors: floors))
    }

    /// Floors (KiB/s) plugged one by one into a network started without any, then unplugged
    /// first to last; after every step the tree is the fresh one.
    @Test(arguments: [[100, 200], [125, 250, 500], [1, 1023], [600, 400], [1000]] as [[UInt64]])
    func plugThenUnplug(_ kibibytes: [UInt64]) throws {
        let inbound = try BandwidthShaperTests.rate(1000, peak: 2000)
        let floors = try kibibytes.enumerated().map { try Self.floor(PortFloor.firstClassID + UInt32($0.offset), $0.element) }
        var live = Self.fresh([], inbound)
        for (index, floor) in floors.enumerated() {
            let others = KibibytesPerSecond.total(floors[..<index].map(\.floor))
            live.apply(BandwidthPlan.floorPlug(floor, bridge: Self.bridge, network: inbound, others: others))
            #expect(live == Self.fresh(Array(floors[...index]), inbound), "after plugging \(floor.floor) KiB/s:\n\(live)")
        }
        for (index, floor) in floors.enumerated() {
            let remaining = KibibytesPerSecond.total(floors[(index + 1)...].map(\.floor))
            live.apply(BandwidthPlan.floorUnplug(classID: floor.classID, bridge: Self.bridge, network: inbound, remaining: remaining))
            #expect(live == Self.fresh(Array(floors[(index + 1)...]), inbound), "after unplugging \(floor.floor) KiB/s:\n\(live)")
        }
        #expect(live.unknown.isEmpty)
        #expect(live.classFigures("1:2", device: Self.bridge) == "rate 1024000bps ceil 2048000bps")
    }

    /// The unguaranteed class's figure for floors summing to 300 KiB/s of a 1000 KiB/s network:
    /// 700 KiB/s, i.e. 716800 bytes/s, whichever way the floors got there.
    @Test func unguaranteedRateIsInBytes() throws {
        let inbound = try BandwidthShaperTests.rate(1000, peak: 2000)
        let plugged = BandwidthPlan.floorPlug(try Self.floor(4, 200), bridge: Self.bridge, network: inbound,
                                              others: try KibibytesPerSecond(100))
        #expect(plugged.last == "class change dev pbfp0 parent 1:1 classid 1:2 htb rate 716800bps ceil 2048000bps")
        let started = Self.fresh([try Self.floor(3, 100), try Self.floor(4, 200)], inbound)
        #expect(started.classFigures("1:2", device: Self.bridge) == "rate 716800bps ceil 2048000bps")
    }
}
