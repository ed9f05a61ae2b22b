import NetCore
import NetDriver
import Testing

/// virNetworkPortGet/SetParameters on the driver: libvirt's names, floor admission, the host's
/// floor classes, the event, and the port file surviving a restart.
@Suite("Port parameters")
struct PortParametersTests {
    @Test func getReportsEveryNameAndSetChangesBandwidth() async throws {
        let fixture = DriverFixture()
        defer { fixture.cleanUp() }
        do {
            let driver = try fixture.driver()
            try driver.create(xml: Documents.isolated("pp", bandwidth: "<bandwidth><inbound average='1000'/></bandwidth>"))
            let port = try driver.createPort(network: "pp", xml: Documents.port(Documents.uuid(1)))
            #expect(try driver.portParameters(network: "pp", port: port.uuid).ordered.map(\.name) == PortBandwidthParameters.names)
            #expect(try driver.portParameters(network: "pp", port: port.uuid).ordered.allSatisfy { $0.value == 0 })
            let (subscription, events) = driver.subscribe()
            try driver.setPortParameters(network: "pp", port: port.uuid,
                                         PortBandwidthParameters(values: ["inbound.average": 500, "inbound.floor": 300,
                                                                          "outbound.average": 200, "outbound.burst": 64]))
            driver.unsubscribe(subscription)
            var received: [NetworkEvent] = []
            for await event in events { received.append(event) }
            #expect(received.contains(.port(network: "pp", networkUUID: try driver.lookup(name: "pp").uuid, port: port.uuid,
                                            change: .bandwidthChanged)))
            let values = try driver.portParameters(network: "pp", port: port.uuid).values
            #expect(values["inbound.floor"] == 300 && values["outbound.burst"] == 64 && values["inbound.peak"] == 0)
            #expect(fixture.host.floors("pp") == [3])
            // A restart reads the port file back with its new bandwidth.
            let restarted = try fixture.driver()
            #expect(try restarted.portParameters(network: "pp", port: port.uuid).values["inbound.floor"] == 300)
        }
    }

    @Test func floorChangesAreAdmittedAndRefusalsChangeNothing() throws {
        try DriverFixture.with { fixture in
            let driver = try fixture.driver()
            try driver.create(xml: Documents.isolated("pf", bandwidth: "<bandwidth><inbound average='1000'/></bandwidth>"))
            let a = try driver.createPort(network: "pf", xml: Documents.port(Documents.uuid(1), mac: "52:54:00:00:03:01"))
            let b = try driver.createPort(network: "pf", xml: Documents.port(Documents.uuid(2), mac: "52:54:00:00:03:02"))
            try driver.setPortParameters(network: "pf", port: a.uuid, PortBandwidthParameters(values: ["inbound.average": 100, "inbound.floor": 700]))
            let before = fixture.snapshot()
            #expect(throws: PatchbayError.self) {
                try driver.setPortParameters(network: "pf", port: b.uuid, PortBandwidthParameters(values: ["inbound.average": 100, "inbound.floor": 400]))
            }
            #expect(fixture.snapshot() == before)
            #expect(fixture.host.floors("pf") == [3])
            // Raising the same port's floor counts only the others' floors.
            try driver.setPortParameters(network: "pf", port: a.uuid, PortBandwidthParameters(values: ["inbound.floor": 1000]))
            #expect(try driver.portParameters(network: "pf", port: a.uuid).values["inbound.floor"] == 1000)
            // Clearing it frees the class.
            try driver.setPortParameters(network: "pf", port: a.uuid, PortBandwidthParameters(values: ["inbound.floor": 0]))
            #expect(fixture.host.floors("pf") == [])
            #expect(throws: PatchbayError.self) {
                try driver.setPortParameters(network: "pf", port: a.uuid, PortBandwidthParameters(values: ["bogus": 1]))
            }
        }
    }
}
