import NetConf
import NetCore
import NetDriver
import Testing

/// What the port's file said at each floor call the host received.
private final class FloorLog: @unchecked Sendable {
    private let lock = Lock()
    private var entries: [String] = []

    func append(_ entry: String) { lock.withLock { entries.append(entry) } }
    var all: [String] { lock.withLock { entries } }
}

/// DESIGN.md, "State and recovery": a port's file is written before any kernel object for it
/// exists and removed after the last one is gone. A floor is such an object (a class on the
/// bridge), so the host must always find the file already saying what it is asked to do.
@Suite("Floors: the port's file first")
struct FloorOrderTests {
    static let network = Documents.isolated("fo", bandwidth: "<bandwidth><inbound average='1000'/></bandwidth>")

    /// The port file's floor now: its value, "none" without a floor, "no file" when it is absent.
    static func fileFloor(_ fixture: DriverFixture, network: LibvirtUUID, port: LibvirtUUID) -> String {
        guard let text = try? String(contentsOfFile: "\(fixture.state)/ports/\(network)/\(port).xml", encoding: .utf8) else {
            return "no file"
        }
        guard let port = try? NetworkPortDefinition.parse(xml: text) else { return "unreadable" }
        return port.bandwidth?.inbound?.floor.map { "\($0.value)" } ?? "none"
    }

    @Test func everyFloorCallFindsTheFileAlreadyRight() throws {
        try DriverFixture.with { fixture in
            let driver = try fixture.driver()
            let networkUUID = try driver.create(xml: Self.network).uuid
            let log = FloorLog()
            let a = try LibvirtUUID(Documents.uuid(1)), b = try LibvirtUUID(Documents.uuid(2))
            fixture.host.floorObserver = { call in
                let port = call.hasSuffix(" 3") ? a : b
                log.append("\(call): file \(Self.fileFloor(fixture, network: networkUUID, port: port))")
            }
            try driver.createPort(network: "fo", xml: Documents.port(Documents.uuid(1), mac: "52:54:00:00:04:01",
                                                                  extra: "<bandwidth><inbound average='100' floor='300'/></bandwidth>"))
            try driver.createPort(network: "fo", xml: Documents.port(Documents.uuid(2), mac: "52:54:00:00:04:02",
                                                                  extra: "<bandwidth><inbound average='100' floor='200'/></bandwidth>"))
            try driver.setPortParameters(network: "fo", port: a, PortBandwidthParameters(values: ["inbound.floor": 500]))
            try driver.setPortParameters(network: "fo", port: b, PortBandwidthParameters(values: ["inbound.floor": 0]))
            try driver.deletePort(network: "fo", port: a)
            #expect(log.all == [
                "plugFloor fo 3: file 300",     // created: file first
                "plugFloor fo 4: file 200",
                "unplugFloor fo 3: file 500",   // changed: the new file first, then the bridge
                "plugFloor fo 3: file 500",
                "unplugFloor fo 4: file 200",   // removed: the bridge first, the file still names the class
                "unplugFloor fo 3: file 500",   // deleted: the class goes before the file
            ])
            #expect(Self.fileFloor(fixture, network: networkUUID, port: b) == "none")
            #expect(Self.fileFloor(fixture, network: networkUUID, port: a) == "no file")
        }
    }

    /// A change the host refuses leaves the port's file (and the restarted driver) with the old floor.
    @Test(arguments: [500, 0])
    func aRefusedChangeLeavesTheOldFloorInTheFile(_ newFloor: Int) throws {
        try DriverFixture.with { fixture in
            let driver = try fixture.driver()
            let networkUUID = try driver.create(xml: Self.network).uuid
            let port = try driver.createPort(network: "fo", xml: Documents.port(Documents.uuid(1),
                                                                             extra: "<bandwidth><inbound average='100' floor='300'/></bandwidth>")).uuid
            fixture.host.failNextFloorCall()
            #expect(throws: PatchbayError(.internalError, "injected floor failure")) {
                try driver.setPortParameters(network: "fo", port: port, PortBandwidthParameters(values: ["inbound.floor": UInt64(newFloor)]))
            }
            #expect(Self.fileFloor(fixture, network: networkUUID, port: port) == "300")
            #expect(fixture.host.floors("fo") == [3])
            #expect(try fixture.driver().portParameters(network: "fo", port: port).values["inbound.floor"] == 300)
        }
    }

    /// Creating or deleting a port runs a tc process only on a network that gives floors, so only
    /// there the daemon must hand the call to a worker.
    @Test func portChangesAreQuickOnlyWhereNoFloorCanBePlugged() throws {
        try DriverFixture.with { fixture in
            let driver = try fixture.driver()
            try driver.create(xml: Self.network)
            try driver.create(xml: Documents.isolated("plain", bridge: "pbplain0"))
            try driver.create(xml: "<network><name>hb</name><forward mode='bridge'/><bridge name='br0'/></network>")
            try driver.define(xml: Documents.isolated("later", bridge: "pblater0", bandwidth: "<bandwidth><inbound average='10'/></bandwidth>"))
            #expect(!driver.portChangesAreQuick(network: "fo"))
            #expect(!driver.portChangesAreQuick(network: "later"), "a start in between would run the definition with QoS")
            #expect(driver.portChangesAreQuick(network: "plain"))
            #expect(driver.portChangesAreQuick(network: "hb"))
            #expect(driver.portChangesAreQuick(network: "nosuch"))
        }
    }
}
