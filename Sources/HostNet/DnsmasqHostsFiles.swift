import NetConf
import NetCore

/// The two host lists dnsmasq re-reads on SIGHUP: the DHCP reservations (`dhcp-hostsfile`) and
/// the extra DNS names (`addn-hosts`). Keeping them out of the configuration file is what lets a
/// running network gain or lose hosts without restarting dnsmasq.
public struct DnsmasqHostsFiles: Hashable, Sendable {
    /// One line per static DHCP host, in the order libvirt writes them (IPv4 hosts, then IPv6).
    public var dhcpHosts: [String] = []
    /// DNS host entries: each address once, with all its names in order.
    public var additionalHosts: [AdditionalHost] = []

    /// One line of the `addn-hosts` file.
    public struct AdditionalHost: Hashable, Sendable {
        /// The address as dnsmasq reads it.
        public var address: String
        /// Its names, in document order.
        public var names: [String]
    }

    /// No hosts.
    public init() {}

    /// The lists for `network`: reservations of the first IPv4 and first IPv6 address with DHCP,
    /// and the names of `<dns><host>`.
    public init(network: NetworkDefinition) {
        let served = DnsmasqHostsFiles.dhcpServedAddresses(of: network)
        for ip in [served.ipv4, served.ipv6].compactMap({ $0 }) { addDHCPHosts(of: ip) }
        addDNSHosts(network.dns.hosts)
    }

    /// The first IPv4 and the first IPv6 `<ip>` with a DHCP range or host: libvirt serves DHCP on
    /// no others (it refuses a second one when it builds the configuration file).
    static func dhcpServedAddresses(of network: NetworkDefinition) -> (ipv4: NetworkIP?, ipv6: NetworkIP?) {
        let ipv4 = network.ips.first { $0.address.family == .ipv4 && $0.hasDHCP }
        let ipv6 = network.ips.first { $0.address.family == .ipv6 && $0.hasDHCP }
        return (ipv4, ipv6)
    }

    /// Adds a line for each static host of `ip` (dnsmasq's `dhcp-host` syntax without the option name).
    public mutating func addDHCPHosts(of ip: NetworkIP) {
        let isIPv6 = ip.address.family == .ipv6
        for host in ip.dhcpHosts {
            guard let address = host.ip else { continue }
            var fields: [String] = []
            if isIPv6 {
                // DHCPv6 identifies clients by DUID ("id:") or name; the address is bracketed.
                if let id = host.id { fields.append("id:\(id)") }
                if let name = host.name { fields.append(name) }
                let prefix = fields.isEmpty ? "" : fields.joined(separator: ",")
                fields = ["\(prefix),[\(address)]"]
            } else if let mac = host.mac {
                fields = [mac, address.description]
                if let name = host.name { fields.append(name) }
            } else {
                fields = [host.name ?? "", address.description]
            }
            if let lease = host.lease { fields.append(DnsmasqHostsFiles.leaseText(lease)) }
            dhcpHosts.append(fields.joined(separator: ","))
        }
    }

    /// Adds `<dns><host>` names; names of an address already listed join its line.
    public mutating func addDNSHosts(_ hosts: [DNSHost]) {
        for host in hosts {
            guard let ip = host.ip else { continue }
            let key = ip.description
            if let index = additionalHosts.firstIndex(where: { $0.address == key }) {
                additionalHosts[index].names.append(contentsOf: host.hostnames)
            } else {
                additionalHosts.append(AdditionalHost(address: key, names: host.hostnames))
            }
        }
    }

    /// The `dhcp-hostsfile` text; nil when there are no hosts (libvirt then writes an empty file).
    public var dhcpHostsText: String? {
        dhcpHosts.isEmpty ? nil : dhcpHosts.map { $0 + "\n" }.joined()
    }

    /// The `addn-hosts` text in /etc/hosts syntax; every field, the last name included, ends in a tab.
    public var additionalHostsText: String {
        additionalHosts.map { entry in
            ([entry.address] + entry.names).map { $0 + "\t" }.joined() + "\n"
        }.joined()
    }

    /// dnsmasq's lease time: `infinite`, or the number with the unit's initial (`200s`, `5m`, `1h`).
    static func leaseText(_ lease: DHCPLease) -> String {
        guard lease.expiry != 0 else { return "infinite" }
        let unit = switch lease.unit {
        case .seconds: "s"
        case .minutes: "m"
        case .hours: "h"
        }
        return "\(lease.expiry)\(unit)"
    }
}
