import HostNet
import HostOS
import NetCore
import NetDriver
import Testing

/// The daemon asks the driver for leases; the driver knows where dnsmasq keeps them, which bridge
/// they were given on and which prefix each family has.
@Suite("DHCP leases from the driver")
struct DHCPLeaseTests {
    @Test func leasesOfAnActiveNetworkCarryItsBridgeAndPrefixes() throws {
        try DriverFixture.with { fixture in
            let driver = try fixture.driver()
            _ = try driver.define(xml: """
                <network><name>leasy</name><bridge name='pbl0'/>
                  <ip address='10.5.0.1' prefix='16'/><ip family='ipv6' address='fd00:5::1'/>
                </network>
                """)
            #expect(throws: PatchbayError(.operationInvalid, "network 'leasy' is not active")) {
                try driver.dhcpLeases(name: "leasy")
            }
            try driver.start(name: "leasy")
            #expect(try driver.dhcpLeases(name: "leasy").isEmpty, "no lease file before dnsmasq's first lease")
            let paths = DnsmasqPaths(stateDirectory: "\(fixture.state)/host/leasy", networkName: "leasy")
            try AtomicFile.makeDirectory(paths.stateDirectory)
            try AtomicFile.write("""
                1700000000 52:54:00:aa:bb:cc 10.5.0.11 guest1 *
                duid 00:01
                1700000200 12345 fd00:5::11 * 00:01:00:01:aa
                """, to: paths.leaseFile)
            let leases = try driver.dhcpLeases(name: "leasy")
            #expect(leases == [
                DHCPLease(interface: "pbl0", expiryTime: 1_700_000_000, family: .ipv4, mac: "52:54:00:aa:bb:cc", iaid: nil,
                          address: "10.5.0.11", prefix: 16, hostname: "guest1", clientID: nil),
                DHCPLease(interface: "pbl0", expiryTime: 1_700_000_200, family: .ipv6, mac: nil, iaid: "12345",
                          address: "fd00:5::11", prefix: 64, hostname: nil, clientID: "00:01:00:01:aa"),
            ])
            #expect(try driver.dhcpLeases(name: "leasy", mac: "52:54:00:AA:BB:CC").map(\.address) == ["10.5.0.11"])
        }
    }
}
