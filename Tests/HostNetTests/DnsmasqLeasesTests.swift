import Glibc
import HostNet
import HostOS
import NetCore
import Testing

/// dnsmasq's lease database as `--dhcp-leasefile` writes it.
@Suite("dnsmasq leases")
struct DnsmasqLeasesTests {
    static let database = """
        1700000000 52:54:00:aa:bb:cc 10.1.0.11 guest1 01:52:54:00:aa:bb:cc
        1700000100 52:54:00:AA:BB:DD 10.1.0.12 * *
        duid 00:01:00:01:2c:aa:bb:cc:52:54:00:00:00:01
        1700000200 12345 fd00::11 guest6 00:01:00:01:aa
        garbage line
        """

    @Test("IPv4 lines, IPv6 lines after the duid line; `*` is none; other lines are skipped")
    func parsesEveryKindOfLine() {
        let leases = DnsmasqLeases.parse(Self.database)
        #expect(leases == [
            DnsmasqLease(expiryTime: 1_700_000_000, family: .ipv4, mac: "52:54:00:aa:bb:cc", iaid: nil, address: "10.1.0.11",
                         hostname: "guest1", clientID: "01:52:54:00:aa:bb:cc"),
            DnsmasqLease(expiryTime: 1_700_000_100, family: .ipv4, mac: "52:54:00:aa:bb:dd", iaid: nil, address: "10.1.0.12",
                         hostname: nil, clientID: nil),
            DnsmasqLease(expiryTime: 1_700_000_200, family: .ipv6, mac: nil, iaid: "12345", address: "fd00::11",
                         hostname: "guest6", clientID: "00:01:00:01:aa"),
        ])
    }

    @Test(arguments: [("52:54:00:AA:BB:DD", ["10.1.0.12"]), ("52:54:00:aa:bb:cc", ["10.1.0.11"]), ("52:54:00:00:00:00", [])])
    func filtersByMACWhateverItsCase(mac: String, addresses: [String]) {
        #expect(DnsmasqLeases.parse(Self.database, mac: mac).map(\.address) == addresses)
    }

    @Test func readsTheFileAndAMissingFileHasNoLeases() throws {
        let path = "/tmp/pb-leases-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try AtomicFile.write(Self.database, to: path)
        defer { unlink(path) }
        #expect(DnsmasqLeases.read(path).count == 3)
        #expect(DnsmasqLeases.read("/nonexistent/leases").isEmpty)
    }
}
