import NetConf
import NetCore
import NetDriver
import Testing

@Suite("Ports: allocation, portgroups, merge, floors, persistence")
struct DriverPortTests {
    @Test func passthroughTakesExclusiveDevicesUntilExhausted() throws {
        try DriverFixture.with { fixture in
            let driver = try fixture.driver()
            try driver.create(xml: Documents.direct("pt", mode: "passthrough", devices: ["eth1", "eth2"]))
            let first = try driver.createPort(network: "pt", xml: Documents.port(Documents.uuid(1)))
            let second = try driver.createPort(network: "pt", xml: Documents.port(Documents.uuid(2), mac: "52:54:00:00:00:02"))
            #expect(first.plug == .direct(.init(device: "eth1", mode: .passthrough)))
            #expect(second.plug == .direct(.init(device: "eth2", mode: .passthrough)))
            #expect(throws: PatchbayError(.internalError, "network 'pt' requires exclusive access to interfaces, but none are available")) {
                try driver.createPort(network: "pt", xml: Documents.port(Documents.uuid(3), mac: "52:54:00:00:00:03"))
            }
            try driver.deletePort(network: "pt", port: LibvirtUUID(Documents.uuid(1)))
            let third = try driver.createPort(network: "pt", xml: Documents.port(Documents.uuid(4), mac: "52:54:00:00:00:04"))
            #expect(third.plug == .direct(.init(device: "eth1", mode: .passthrough)), "a released device is free again")
            let live = try driver.xml(name: "pt")
            #expect(live.contains("<interface dev='eth1' connections='1'/>"))
            #expect(live.contains("<network connections='2'>"))
        }
    }

    @Test func sharedModesBalanceByConnections() throws {
        try DriverFixture.with { fixture in
            let driver = try fixture.driver()
            try driver.create(xml: Documents.direct("vepa", mode: "vepa", devices: ["eth1", "eth2", "eth3"]))
            var devices: [String] = []
            for index in 1...7 {
                let port = try driver.createPort(network: "vepa", xml: Documents.port(Documents.uuid(index), mac: String(format: "52:54:00:00:01:%02x", index)))
                if case .direct(let direct) = port.plug { devices.append(direct.device) }
            }
            #expect(devices == ["eth1", "eth2", "eth3", "eth1", "eth2", "eth3", "eth1"])
        }
    }

    @Test func portgroupResolutionAndPrecedence() throws {
        try DriverFixture.with { fixture in
            let driver = try fixture.driver()
            // libvirt allows portgroup bandwidth only on networks with their own bridge.
            let groups = """
            <portgroup name='gold' default='yes'><bandwidth><inbound average='1000'/></bandwidth></portgroup>
            <portgroup name='silver'><bandwidth><outbound average='500'/></bandwidth></portgroup>
            """
            try driver.create(xml: Documents.isolated("pg", bandwidth: groups))
            let byDefault = try driver.createPort(network: "pg", xml: Documents.port(Documents.uuid(1)))
            #expect(byDefault.group == "gold")
            #expect(byDefault.bandwidth?.inbound?.average?.value == 1000)
            let named = try driver.createPort(network: "pg", xml: Documents.port(Documents.uuid(2), mac: "52:54:00:00:00:02", group: "silver"))
            #expect(named.bandwidth?.outbound?.average?.value == 500)
            #expect(named.bandwidth?.inbound == nil)
            let own = try driver.createPort(network: "pg", xml: Documents.port(Documents.uuid(3), mac: "52:54:00:00:00:03",
                                                                                extra: "<bandwidth><inbound average='7'/></bandwidth>"))
            #expect(own.bandwidth?.inbound?.average?.value == 7, "the port's own bandwidth beats the portgroup's")
            #expect(throws: PatchbayError(.invalidArg, "portgroup 'bronze' does not exist in network 'pg'")) {
                try driver.createPort(network: "pg", xml: Documents.port(Documents.uuid(4), mac: "52:54:00:00:00:04", group: "bronze"))
            }
        }
    }

    @Test func vlanPrecedencePortThenPortgroupThenNetwork() throws {
        try DriverFixture.with { fixture in
            let driver = try fixture.driver()
            let network = """
            <network><name>vl</name><forward mode='passthrough'><interface dev='eth1'/><interface dev='eth2'/><interface dev='eth3'/></forward>
              <vlan><tag id='7'/></vlan>
              <portgroup name='tagged'><vlan><tag id='42'/></vlan></portgroup>
            </network>
            """
            try driver.create(xml: network)
            #expect(try driver.createPort(network: "vl", xml: Documents.port(Documents.uuid(1))).vlan?.tags == [7])
            #expect(try driver.createPort(network: "vl", xml: Documents.port(Documents.uuid(2), mac: "52:54:00:00:00:02", group: "tagged")).vlan?.tags == [42])
            let own = Documents.port(Documents.uuid(3), mac: "52:54:00:00:00:03", group: "tagged", extra: "<vlan><tag id='99'/></vlan>")
            #expect(try driver.createPort(network: "vl", xml: own).vlan?.tags == [99])
        }
    }

    @Test func virtualportMergeConflictNamesBothValues() throws {
        try DriverFixture.with { fixture in
            let driver = try fixture.driver()
            let network = Documents.direct("vp", mode: "vepa", devices: ["eth1"],
                                           portgroups: "<portgroup name='a' default='yes'><virtualport><parameters typeid='7'/></virtualport></portgroup>",
                                           virtualport: "<virtualport type='802.1Qbg'><parameters managerid='11' typeid='7' typeidversion='2'/></virtualport>")
            try driver.create(xml: network)
            let merged = try driver.createPort(network: "vp", xml: Documents.port(Documents.uuid(1),
                extra: "<virtualport><parameters instanceid='09b11c53-8b5c-4eeb-8f00-d84eaa0aaa4f'/></virtualport>"))
            #expect(merged.virtualPort?.kind == .qbg)
            #expect(merged.virtualPort?.managerID == 11)
            #expect(merged.virtualPort?.instanceID?.description == "09b11c53-8b5c-4eeb-8f00-d84eaa0aaa4f")
            #expect(throws: PatchbayError.xml("attempt to merge virtualports with mismatched managerid: '12' and '11'")) {
                try driver.createPort(network: "vp", xml: Documents.port(Documents.uuid(2), mac: "52:54:00:00:00:02",
                                                                         extra: "<virtualport><parameters managerid='12'/></virtualport>"))
            }
        }
    }

    @Test func floorsAreAdmittedWithinTheInboundAverage() throws {
        try DriverFixture.with { fixture in
            let driver = try fixture.driver()
            try driver.create(xml: Documents.isolated("fl", bandwidth: "<bandwidth><inbound average='1000'/></bandwidth>"))
            let floor = { (n: Int, kib: Int) in
                Documents.port(Documents.uuid(n), mac: String(format: "52:54:00:00:02:%02x", n),
                               extra: "<bandwidth><inbound average='100' floor='\(kib)'/></bandwidth>")
            }
            let a = try driver.createPort(network: "fl", xml: floor(1, 600))
            let b = try driver.createPort(network: "fl", xml: floor(2, 400))
            #expect(a.classID == 3 && b.classID == 4)
            #expect(fixture.host.floors("fl") == [3, 4])
            #expect(throws: PatchbayError.self) { try driver.createPort(network: "fl", xml: floor(3, 1)) }
            try driver.deletePort(network: "fl", port: a.uuid)
            #expect(fixture.host.floors("fl") == [4])
            let c = try driver.createPort(network: "fl", xml: floor(4, 600))
            #expect(c.classID == 3, "class ids are reused")
        }
    }

    @Test(arguments: [
        ("<network><name>nb</name><forward mode='bridge'/><bridge name='br0'/></network>",
         "Operation not supported: Invalid use of 'floor' on interface with MAC address 52:54:00:00:00:01 - 'floor' is only supported for interface type 'network' with forward type 'nat', 'route', 'open' or none"),
        ("<network><name>nb</name><ip address='10.9.0.1' prefix='24'/></network>",
         "Operation not supported: Invalid use of 'floor' on interface with MAC address 52:54:00:00:00:01 - network 'nb' has no inbound QoS set"),
    ])
    func floorRefusals(network: String, message: String) throws {
        try DriverFixture.with { fixture in
            let driver = try fixture.driver()
            try driver.create(xml: network)
            do {
                try driver.createPort(network: "nb", xml: Documents.port(Documents.uuid(1), extra: "<bandwidth><inbound average='10' floor='5'/></bandwidth>"))
                Issue.record("floor accepted")
            } catch let error as PatchbayError {
                #expect(error.message == message)
                #expect(error.code == .operationUnsupported)
            }
        }
    }

    @Test func portErrorsAndReclaim() throws {
        try DriverFixture.with { fixture in
            let driver = try fixture.driver()
            try driver.define(xml: Documents.isolated("inact"))
            #expect(throws: PatchbayError(.operationInvalid, "network 'inact' is not active")) {
                try driver.createPort(network: "inact", xml: Documents.port(Documents.uuid(1)))
            }
            try driver.start(name: "inact")
            try driver.createPort(network: "inact", xml: Documents.port(Documents.uuid(1)))
            #expect(throws: PatchbayError(.networkPortExist, "Network port with UUID \(Documents.uuid(1)) already exists")) {
                try driver.createPort(network: "inact", xml: Documents.port(Documents.uuid(1)))
            }
            let plugged = Documents.port(Documents.uuid(2), extra: "<plug type='network' bridge='virbr7'/>")
            #expect(throws: PatchbayError(.invalidArg, "Port reclaim not requested but plug type is not none")) {
                try driver.createPort(network: "inact", xml: plugged)
            }
            let reclaimed = try driver.createPort(network: "inact", xml: plugged, flags: .reclaim)
            #expect(reclaimed.plug == .network(.init(name: "virbr7")), "a reclaimed port keeps its plug")
            #expect(throws: PatchbayError(.noNetworkPort, "no network port with matching uuid '\(Documents.uuid(9))'")) {
                try driver.deletePort(network: "inact", port: LibvirtUUID(Documents.uuid(9)))
            }
        }
    }

    @Test func portsAndCountsSurviveRestart() throws {
        try DriverFixture.with { fixture in
            let driver = try fixture.driver()
            try driver.create(xml: Documents.direct("keep", mode: "private", devices: ["eth1", "eth2"]))
            for index in 1...5 {
                try driver.createPort(network: "keep", xml: Documents.port(Documents.uuid(index), mac: String(format: "52:54:00:00:03:%02x", index)))
            }
            try driver.deletePort(network: "keep", port: LibvirtUUID(Documents.uuid(2)))
            let restarted = try fixture.driver(host: FakeNetworkHost())
            let ports = try restarted.ports(network: "keep")
            #expect(ports.map(\.uuid.description) == [1, 3, 4, 5].map(Documents.uuid))
            let live = try restarted.xml(name: "keep")
            #expect(live.contains("<network connections='4'>"))
            // Ports 1–5 went eth1, eth2, eth1, eth2, eth1; port 2 (eth2) was deleted.
            #expect(live.contains("<interface dev='eth1' connections='3'/>"))
            #expect(live.contains("<interface dev='eth2' connections='1'/>"))
        }
    }
}
