import HostOS
import NetCore

/// One lease from the database dnsmasq keeps for a network (`--dhcp-leasefile`).
public struct DnsmasqLease: Sendable, Equatable {
    /// Seconds since the epoch when the lease expires.
    public var expiryTime: Int64
    /// The leased address's family.
    public var family: IPFamily
    /// The client's MAC, lowercased (IPv6 leases name an IAID instead).
    public var mac: String?
    /// The IPv6 IAID.
    public var iaid: String?
    /// The leased address as dnsmasq wrote it.
    public var address: String
    /// The client's hostname, if it sent one.
    public var hostname: String?
    /// The DHCP client id (DUID for IPv6).
    public var clientID: String?

    /// A lease.
    public init(expiryTime: Int64, family: IPFamily, mac: String?, iaid: String?, address: String, hostname: String?,
                clientID: String?) {
        self.expiryTime = expiryTime
        self.family = family
        self.mac = mac
        self.iaid = iaid
        self.address = address
        self.hostname = hostname
        self.clientID = clientID
    }
}

/// Reads dnsmasq's lease database.
///
/// One lease a line: `EXPIRY MAC IP HOSTNAME CLIENT-ID` for IPv4; IPv6 leases follow a
/// `duid SERVER-DUID` line as `EXPIRY IAID IP HOSTNAME CLIENT-DUID`. `*` means "none".
public enum DnsmasqLeases {
    /// Leases of the file at `path`, optionally only those of one MAC (compared case-insensitively);
    /// a missing or unreadable file means no leases (dnsmasq writes it on the first lease).
    public static func read(_ path: String, mac: String? = nil) -> [DnsmasqLease] {
        guard let text = AtomicFile.readText(path) else { return [] }
        return parse(text, mac: mac)
    }

    /// Leases of a lease database's text, optionally only those of one MAC.
    public static func parse(_ text: String, mac: String? = nil) -> [DnsmasqLease] {
        var leases: [DnsmasqLease] = []
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ").map(String.init)
            guard fields.count >= 4, fields[0] != "duid", let expiry = Int64(fields[0]) else { continue }
            let address = fields[2]
            let isIPv6 = address.contains(":")
            let leaseMAC = isIPv6 ? nil : fields[1].lowercased()
            if let mac, leaseMAC != mac.lowercased() { continue }
            leases.append(DnsmasqLease(
                expiryTime: expiry, family: isIPv6 ? .ipv6 : .ipv4, mac: leaseMAC, iaid: isIPv6 ? fields[1] : nil,
                address: address, hostname: fields[3] == "*" ? nil : fields[3],
                clientID: fields.count > 4 && fields[4] != "*" ? fields[4] : nil))
        }
        return leases
    }
}
