import HostNet
import RemoteProtocol

/// Reads the lease database dnsmasq keeps for a network (`--dhcp-leasefile`).
///
/// One lease a line: `EXPIRY MAC IP HOSTNAME CLIENT-ID` for IPv4; IPv6 leases follow a
/// `duid SERVER-DUID` line as `EXPIRY IAID IP HOSTNAME CLIENT-DUID`. `*` means "none".
enum DHCPLeaseFile {
    /// libvirt's VIR_IP_ADDR_TYPE_IPV4 / _IPV6.
    static let typeIPv4: Int32 = 0
    static let typeIPv6: Int32 = 1

    /// Leases of `path` for the network's bridge, optionally only those of one MAC; a missing
    /// or unreadable file means no leases (dnsmasq writes it on the first lease).
    static func leases(path: String, bridge: String, prefixes: (v4: UInt32, v6: UInt32), mac: String?) -> [NetworkDHCPLease] {
        guard let text = AtomicFile.readText(path) else { return [] }
        var leases: [NetworkDHCPLease] = []
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ").map(String.init)
            guard fields.count >= 4, fields[0] != "duid", let expiry = Int64(fields[0]) else { continue }
            let address = fields[2]
            let isIPv6 = address.contains(":")
            let hostname = fields[3] == "*" ? nil : fields[3]
            let clientID = fields.count > 4 && fields[4] != "*" ? fields[4] : nil
            let leaseMAC = isIPv6 ? nil : fields[1].lowercased()
            if let mac, leaseMAC != mac.lowercased() { continue }
            leases.append(NetworkDHCPLease(
                interface: bridge, expiryTime: expiry, type: isIPv6 ? typeIPv6 : typeIPv4, mac: leaseMAC,
                iaid: isIPv6 ? fields[1] : nil, ipAddress: address, prefix: isIPv6 ? prefixes.v6 : prefixes.v4,
                hostname: hostname, clientID: clientID))
        }
        return leases
    }
}
