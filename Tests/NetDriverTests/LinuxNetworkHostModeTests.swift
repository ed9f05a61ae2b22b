import Foundation
import Glibc
import HostNet
import NetConf
import NetCore
@testable import NetDriver
import Netlink
import TestSupport
import Testing

/// Expects `body` to throw a PatchbayError with `code` whose message contains every one of `parts`.
func expectRefusal(_ code: ErrorCode, _ parts: [String], sourceLocation: SourceLocation = #_sourceLocation,
                   _ body: () throws -> Void) {
    do {
        try body()
        Issue.record("expected a refusal containing \(parts)", sourceLocation: sourceLocation)
    } catch let error as PatchbayError {
        #expect(error.code == code, "\(error.message)", sourceLocation: sourceLocation)
        for part in parts { #expect(error.message.contains(part), "\(error.message)", sourceLocation: sourceLocation) }
    } catch {
        Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
    }
}

@Suite("LinuxNetworkHost: host bridges, device pools, refusals, failures", .serialized)
struct NetworkModeTests {
    @Test func bridgeModeUsesAnExistingHostBridgeAndCreatesNothing() throws {
        try HostFixture.with { fixture in
            try fixture.links.createLink(InterfaceName("pbhost0"), kind: .bridge(BridgeOptions(stp: false)))
            try fixture.links.createLink(InterfaceName("pbeth9"), kind: .veth(peer: InterfaceName("pbeth9p")))
            let before = try fixture.linkNames()
            let definition = try network("<network><name>hb</name><forward mode='bridge'/><bridge name='pbhost0'/></network>")
            let runtime = try fixture.start(definition)
            #expect(runtime == NetworkRuntime(bridge: try InterfaceName("pbhost0")))
            #expect(try fixture.linkNames() == before)
            #expect(fixture.host.existingBridgeNames() == ["pbhost0"])
            try fixture.stop(definition, runtime)
            try fixture.expectClean(besides: before, dnsmasqPID: nil)

            let missing = try network("<network><name>hb</name><forward mode='bridge'/><bridge name='pbnone0'/></network>")
            expectRefusal(.operationFailed, ["network 'hb'", "'pbnone0'", "does not exist"]) { _ = try fixture.start(missing) }
            let notBridge = try network("<network><name>hb</name><forward mode='bridge'/><bridge name='pbeth9'/></network>")
            expectRefusal(.operationFailed, ["'pbeth9' is a veth device, not a bridge"]) { _ = try fixture.start(notBridge) }
            #expect(try fixture.linkNames() == before)
        }
    }

    @Test(arguments: ["private", "vepa", "passthrough", "bridge"])
    func directModesCheckTheirPoolAndCreateNothing(_ mode: String) throws {
        try HostFixture.with { fixture in
            // This kernel has no dummy driver: veth ends stand in for physical NICs.
            try fixture.links.createLink(InterfaceName("pbeth0"), kind: .veth(peer: InterfaceName("pbeth1")))
            let before = try fixture.linkNames()
            let definition = try network("""
                <network><name>dir</name><forward mode='\(mode)'><interface dev='pbeth0'/><interface dev='pbeth1'/></forward></network>
                """)
            let runtime = try fixture.start(definition)
            #expect(runtime == NetworkRuntime())
            #expect(try fixture.linkNames() == before)
            try fixture.stop(definition, runtime)
            try fixture.expectClean(besides: before, dnsmasqPID: nil)
            let missing = try network("""
                <network><name>dir</name><forward mode='\(mode)'><interface dev='pbeth0'/><interface dev='pbeth7'/></forward></network>
                """)
            expectRefusal(.operationFailed, ["forward mode '\(mode)'", "forward device 'pbeth7'", "does not exist"]) {
                _ = try fixture.start(missing)
            }
            var reconciled = runtime
            let drifts = fixture.host.reconcile(missing, runtime: &reconciled, floors: [], stateDirectory: fixture.stateDirectory)
            #expect(drifts == [Drift(kind: .missingPoolDevice, network: "dir", object: "pbeth7")])
        }
    }

    @Test func unsupportedKernelFeaturesAreRefusedClearly() throws {
        try HostFixture.with { fixture in
            let before = try fixture.linkNames()
            let hostdev = try network("""
                <network><name>vfs</name><forward mode='hostdev' managed='yes'><address type='pci' domain='0' bus='4' slot='0' function='1'/></forward></network>
                """)
            expectRefusal(.operationUnsupported, ["network 'vfs' uses forward mode 'hostdev', which needs SR-IOV virtual functions",
                                                  "not supported by this host kernel (no VFIO)"]) { _ = try fixture.start(hostdev) }
            let features = fixture.host.features
            if !features.openvswitch {
                let ovs = try network("""
                    <network><name>ovs</name><forward mode='bridge'/><bridge name='ovsbr0'/><virtualport type='openvswitch'/></network>
                    """)
                expectRefusal(.operationUnsupported, ["Open vSwitch", "not supported by this host kernel"]) { _ = try fixture.start(ovs) }
            }
            if !features.vlan {
                try fixture.links.createLink(InterfaceName("pbeth0"), kind: .veth(peer: InterfaceName("pbeth1")))
                let tagged = try network("""
                    <network><name>tag</name><forward mode='passthrough'><interface dev='pbeth0'/></forward><vlan><tag id='42'/></vlan></network>
                    """)
                expectRefusal(.operationUnsupported, ["VLAN 42", "not supported by this host kernel"]) { _ = try fixture.start(tagged) }
                try fixture.links.deleteLink(InterfaceName("pbeth0"))
            }
            try fixture.expectClean(besides: before, dnsmasqPID: nil)
        }
    }

    @Test func aBridgeNameTakenByAnotherDeviceLeavesNothingBehind() throws {
        try HostFixture.with { fixture in
            try fixture.links.createLink(InterfaceName("pbtaken0"), kind: .veth(peer: InterfaceName("pbtaken1")))
            let definition = try network("""
                <network><name>taken</name><forward mode='nat'/><bridge name='pbtaken0'/>
                  <ip address='10.217.0.1' prefix='24'><dhcp><range start='10.217.0.10' end='10.217.0.20'/></dhcp></ip></network>
                """)
            let planned = fixture.host.plan(definition)
            expectRefusal(.systemError, ["pbtaken0", "File exists"]) { _ = try fixture.start(definition) }
            // The driver cleans a failed start up with the planned runtime: the other device must survive it.
            try fixture.stop(definition, planned)
            #expect(try fixture.links.link(named: InterfaceName("pbtaken0"))?.kind == "veth", "the other device is untouched")
            try fixture.expectClean(besides: ["lo", "pbtaken0", "pbtaken1"], dnsmasqPID: nil)
        }
    }

    @Test func aFailureLateInStartUndoesEveryEarlierStep() throws {
        try HostFixture.with { fixture in
            // dnsmasq refuses the option, after bridge, addresses, firewall and routes are in place.
            let definition = try network("""
                <network xmlns:dnsmasq='http://libvirt.org/schemas/network/dnsmasq/1.0'><name>late</name>
                  <forward mode='nat'/><bridge name='pblate0'/>
                  <ip address='10.218.0.1' prefix='24'><dhcp><range start='10.218.0.10' end='10.218.0.20'/></dhcp></ip>
                  <route address='10.98.0.0' prefix='24' gateway='10.218.0.2'/>
                  <dnsmasq:options><dnsmasq:option value='no-such-option'/></dnsmasq:options>
                </network>
                """)
            expectRefusal(.operationFailed, ["dnsmasq for network 'late' failed to start"]) { _ = try fixture.start(definition) }
            try fixture.expectClean(dnsmasqPID: nil)
        }
    }

    @Test func reconcileReportsAndRepairsWhatWasRemovedBehindItsBack() throws {
        try HostFixture.with { fixture in
            let definition = try network("""
                <network><name>drift</name><uuid>0b7e54a1-2f3c-4d5e-8f90-a1b2c3d4e5f6</uuid><forward mode='nat'/>
                  <bridge name='pbdrift0' stp='off'/><bandwidth><inbound average='1000'/></bandwidth>
                  <ip address='10.219.0.1' prefix='24'><dhcp><range start='10.219.0.10' end='10.219.0.20'/></dhcp></ip></network>
                """)
            let floor = PortFloor(classID: 3, floor: try KibibytesPerSecond(100), mac: try MACAddress("52:54:00:00:19:03"))
            var runtime = try fixture.start(definition, floors: [floor])
            defer { try? fixture.stop(definition, runtime) }
            #expect(fixture.host.reconcile(definition, runtime: &runtime, floors: [floor], stateDirectory: fixture.stateDirectory).isEmpty)

            let table = try #require(runtime.firewallTable)
            let pid = try #require(runtime.dnsmasqPID)
            kill(pid, SIGKILL)
            try fixture.namespace.exec(["/usr/sbin/nft", "delete", "table", "inet", table])
            try fixture.links.deleteQdisc(of: InterfaceName("pbdrift0"), at: .root)
            usleep(100_000)
            var drifts = fixture.host.reconcile(definition, runtime: &runtime, floors: [floor], stateDirectory: fixture.stateDirectory)
            #expect(Set(drifts.map(\.kind)) == [.missingFirewall, .deadDnsmasq, .missingQdisc])
            #expect(drifts.allSatisfy { $0.repaired }, "\(drifts)")
            #expect(try fixture.patchbayTables() == [table])
            let newPID = try #require(runtime.dnsmasqPID)
            #expect(newPID != pid && HostFixture.isAlive(newPID))
            #expect(try fixture.namespace.exec(["/usr/sbin/tc", "class", "show", "dev", "pbdrift0"]).contains("1:3"))

            try fixture.links.deleteLink(InterfaceName("pbdrift0"))
            drifts = fixture.host.reconcile(definition, runtime: &runtime, floors: [floor], stateDirectory: fixture.stateDirectory)
            #expect(drifts.contains(Drift(kind: .missingBridge, network: "drift", object: "pbdrift0", repaired: true)), "\(drifts)")
            #expect(try fixture.addresses(of: "pbdrift0").contains("10.219.0.1/24"))
            #expect(try fixture.links.link(named: InterfaceName("pbdrift0"))?.group == runtime.deviceGroup)
            #expect(fixture.host.reconcile(definition, runtime: &runtime, floors: [floor], stateDirectory: fixture.stateDirectory).isEmpty)
            let lastPID = try #require(runtime.dnsmasqPID)
            try fixture.stop(definition, runtime)
            try fixture.expectClean(dnsmasqPID: lastPID)
            #expect(!HostFixture.isAlive(newPID))
        }
    }

    @Test func firewallPolicyFollowsForwardModeAndNATSettings() throws {
        try HostFixture.with { fixture in
            let bridge = try InterfaceName("pbpol0")
            let nat = try network("""
                <network><name>pol</name><forward mode='nat' dev='eth0'><nat ipv6='yes'>
                  <address start='192.0.2.10' end='192.0.2.20'/><port start='1500' end='1600'/></nat></forward>
                  <bridge name='pbpol0'/><ip address='10.220.0.1' prefix='24'/><ip family='ipv6' address='fd00:220::1' prefix='64'/></network>
                """)
            let policy = try #require(try fixture.host.firewallPolicy(for: nat, bridge: bridge))
            let eth0 = try InterfaceName("eth0")
            let range = try IPAddress("192.0.2.10")...IPAddress("192.0.2.20")
            #expect(policy.mode == .nat && policy.natIPv6 && policy.forwardDevice == eth0)
            #expect(policy.natAddresses == range)
            #expect(policy.natPorts == 1500...1600)
            #expect(policy.subnets.map(\.cidr) == ["10.220.0.0/24", "fd00:220::/64"])
            let isolated = try network("<network><name>pol</name><bridge name='pbpol0'/><ip address='10.220.0.1' prefix='24'/></network>")
            #expect(try fixture.host.firewallPolicy(for: isolated, bridge: bridge)?.mode == .isolated)
            let open = try network("<network><name>pol</name><forward mode='open'/><bridge name='pbpol0'/><ip address='10.220.0.1' prefix='24'/></network>")
            #expect(try fixture.host.firewallPolicy(for: open, bridge: bridge) == nil)
        }
    }

    @Test func deviceGroupsAreNonZeroAndStable() throws {
        let uuid = try LibvirtUUID("00000000-0000-4000-8000-000000000000")
        #expect(LinuxNetworkHost.deviceGroup(for: uuid) == 1)
        let other = try LibvirtUUID("ffffffff-0000-4000-8000-000000000000")
        #expect(LinuxNetworkHost.deviceGroup(for: other) != 0)
        #expect(LinuxNetworkHost.deviceGroup(for: other) == LinuxNetworkHost.deviceGroup(for: other))
    }
}
