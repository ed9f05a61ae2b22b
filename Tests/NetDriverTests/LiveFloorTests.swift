import HostNet
import NetConf
import NetCore
import NetDriver
import TestSupport
import Testing

/// A floor granted or withdrawn while the network runs must leave the bridge exactly as a fresh
/// start with the same floors would build it. The driver sums floors in KiB/s and the shaper sizes
/// the unguaranteed class (1:2) in bytes/s; when the sum crossed that seam as a bare number, the
/// class came out wrong after any live change but the first (issue: floors' unit).
///
/// The driver runs on `LinuxNetworkHost` over `FakeHostParts`, whose shaping folds the very tc
/// lines `BandwidthPlan` gives the real shaper into a tree (`TrafficControlTree`).
@Suite("Floors changed live leave the bridge's tree a fresh start builds")
struct LiveFloorTests {
    /// One live change to a port's floor (ports are numbered; a floor of 0 takes it away).
    enum Step: Sendable, CustomStringConvertible {
        case create(port: Int, floor: UInt64)
        case change(port: Int, floor: UInt64)
        case delete(port: Int)

        var description: String {
            switch self {
            case .create(let port, let floor): "create \(port) floor \(floor)"
            case .change(let port, let floor): "change \(port) floor \(floor)"
            case .delete(let port): "delete \(port)"
            }
        }
    }

    static let network = """
        <network><name>lf</name><bridge name='pblf0'/>
          <bandwidth><inbound average='1000' peak='2000'/></bandwidth>
        </network>
        """

    static let scripts: [[Step]] = [
        [.create(port: 1, floor: 100), .create(port: 2, floor: 200), .delete(port: 1), .delete(port: 2)],
        [.create(port: 1, floor: 125), .create(port: 2, floor: 250), .create(port: 3, floor: 500),
         .change(port: 2, floor: 100), .change(port: 1, floor: 0), .change(port: 1, floor: 300), .delete(port: 3)],
        // A port without a floor in between, and floors filling the whole average.
        [.create(port: 1, floor: 0), .create(port: 2, floor: 600), .create(port: 3, floor: 400), .delete(port: 2),
         .change(port: 3, floor: 1000)],
    ]

    @Test(arguments: scripts)
    func liveChangesMatchAFreshStart(_ script: [Step]) throws {
        try DriverFixture.with { fixture in
            let parts = FakeHostParts()
            let driver = try NetworkDriver(configDirectory: fixture.config, stateDirectory: fixture.state, host: parts.host())
            try driver.create(xml: Self.network)
            let inbound = try #require(try NetworkDefinition.parse(xml: Self.network).bandwidth?.inbound)
            for step in script {
                try Self.perform(step, on: driver)
                let floors = try driver.ports(network: "lf").compactMap { port -> PortFloor? in
                    guard let floor = port.bandwidth?.inbound?.floor, floor.value > 0, let classID = port.classID else { return nil }
                    return PortFloor(classID: classID, floor: floor, mac: port.mac)
                }
                let fresh = TrafficControlTree(BandwidthPlan.networkStart(bridge: "pblf0", inbound: inbound, floors: floors))
                let live = try #require(parts.tree(of: "pblf0"))
                #expect(live.unknown.isEmpty, "after \(step): \(live.unknown)")
                #expect(live == fresh, "after \(step):\nlive\n\(live)\nfresh\n\(fresh)")
                // The figure itself, not only the agreement: average less the floors, in bytes/s.
                let floored = floors.reduce(0) { $0 + $1.floor.value }
                let rate = max((1000 - floored) * 1024, 1024)
                #expect(live.classFigures("1:2", device: "pblf0") == "rate \(rate)bps ceil 2048000bps", "after \(step)")
            }
        }
    }

    static func perform(_ step: Step, on driver: NetworkDriver) throws {
        func uuid(_ port: Int) throws -> LibvirtUUID { try LibvirtUUID(Documents.uuid(port)) }
        switch step {
        case .create(let port, let floor):
            let bandwidth = floor == 0 ? "" : "<bandwidth><inbound average='100' floor='\(floor)'/></bandwidth>"
            try driver.createPort(network: "lf", xml: Documents.port(Documents.uuid(port), mac: "52:54:00:00:07:0\(port)",
                                                                    extra: bandwidth))
        case .change(let port, let floor):
            try driver.setPortParameters(network: "lf", port: try uuid(port), PortBandwidthParameters(values: ["inbound.floor": floor]))
        case .delete(let port):
            try driver.deletePort(network: "lf", port: try uuid(port))
        }
    }
}
