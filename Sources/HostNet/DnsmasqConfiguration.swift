import NetConf
import NetCore

/// Where one network's dnsmasq files live inside a state directory.
///
/// The names are libvirt's (`NAME.conf`, `NAME.hostsfile`, `NAME.addnhosts`), so the generated
/// configuration reads like libvirt's and tools that know libvirt's layout find the files; NAME is
/// the network's `NetworkFileName` stem (the name itself for every ordinary name), so a network
/// called `..` or with a 300-byte name still gets files of its own inside the directory.
public struct DnsmasqPaths: Hashable, Sendable {
    /// The directory holding the files.
    public var stateDirectory: String
    /// The network's name.
    public var networkName: String
    /// What the files are named after (derived from `networkName`, so the two cannot disagree).
    public var fileName: NetworkFileName { NetworkFileName(networkName: networkName) }

    /// Paths for `networkName` under `stateDirectory`.
    public init(stateDirectory: String, networkName: String) {
        self.stateDirectory = stateDirectory
        self.networkName = networkName
    }

    /// The configuration file passed with `--conf-file`.
    public var configFile: String { "\(stateDirectory)/\(fileName.appending(".conf"))" }
    /// The DHCP reservations file (`dhcp-hostsfile=`).
    public var dhcpHostsFile: String { "\(stateDirectory)/\(escapedStem).hostsfile" }
    /// The extra DNS names file (`addn-hosts=`).
    public var additionalHostsFile: String { "\(stateDirectory)/\(escapedStem).addnhosts" }
    /// The pid file dnsmasq writes when Patchbay starts it.
    public var pidFile: String { "\(stateDirectory)/\(fileName.appending(".pid"))" }
    /// The lease database dnsmasq keeps when Patchbay starts it.
    public var leaseFile: String { "\(stateDirectory)/\(fileName.appending(".leases"))" }

    /// libvirt builds the two host-file names with its XML-escaping buffer call, so a name holding
    /// `&<>'"` gets entities in those paths (and only there); mirrored so the files match. (An
    /// escaped stem has none of these characters; `NetworkFileName` counts the entities in its
    /// length limit.)
    private var escapedStem: String {
        var text = ""
        for character in fileName.stem {
            switch character {
            case "&": text += "&amp;"
            case "<": text += "&lt;"
            case ">": text += "&gt;"
            case "'": text += "&apos;"
            case "\"": text += "&quot;"
            default: text.append(character)
            }
        }
        return text
    }
}

/// A network's dnsmasq configuration file and host lists, as libvirt 9.0 generates them.
public struct DnsmasqConfiguration: Hashable, Sendable {
    /// Where the files go.
    public var paths: DnsmasqPaths
    /// The configuration file's text.
    public var text: String
    /// The host lists (re-read by dnsmasq on SIGHUP).
    public var hosts: DnsmasqHostsFiles

    /// Generates the configuration of `network`'s dnsmasq.
    ///
    /// - Parameters:
    ///   - capabilities: the dnsmasq that will read it (libvirt 9.0 needs nothing beyond the minimum version).
    ///   - stateDirectory: where the host lists live (their paths are written into the file).
    ///   - pidFile: written as `pid-file=` when given; libvirt's tests give none.
    public init(network: NetworkDefinition, capabilities: DnsmasqCapabilities, stateDirectory: String,
                pidFile: String? = nil) throws(PatchbayError) {
        paths = DnsmasqPaths(stateDirectory: stateDirectory, networkName: network.name)
        hosts = DnsmasqHostsFiles(network: network)
        var writer = DnsmasqConfigurationWriter(network: network, paths: paths)
        try writer.write(pidFile: pidFile)
        text = writer.lines.map { $0 + "\n" }.joined()
    }

    /// True when `network` needs a dnsmasq at all: it has an address, and it serves DHCP, TFTP or DNS.
    public static func isNeeded(for network: NetworkDefinition) -> Bool {
        guard !network.ips.isEmpty else { return false }
        return network.ips.contains { $0.hasDHCP || $0.tftpRoot != nil } || network.dns.enable != false
    }
}

/// Builds the configuration lines in libvirt's order; one method per section.
struct DnsmasqConfigurationWriter {
    let network: NetworkDefinition
    let paths: DnsmasqPaths
    var lines: [String] = []

    init(network: NetworkDefinition, paths: DnsmasqPaths) {
        self.network = network
        self.paths = paths
    }

    private var wantsDNS: Bool { network.dns.enable != false }

    mutating func write(pidFile: String?) throws(PatchbayError) {
        guard let bridge = network.bridge.name else {
            throw .internalError("network '\(network.name)' has no bridge device for dnsmasq to serve")
        }
        lines += [
            "##WARNING:  THIS IS AN AUTO-GENERATED FILE. CHANGES TO IT ARE LIKELY TO BE",
            "##OVERWRITTEN AND LOST.  Changes to this configuration should be made using:",
            "##    virsh net-edit \(network.name)",
            "## or other application using the libvirt API.",
            "##",
            "## dnsmasq conf file created by libvirt",
            // Query upstream servers in resolv.conf order, as glibc does.
            "strict-order",
        ]
        // Port 0 keeps dnsmasq from listening for DNS at all.
        if !wantsDNS { lines.append("port=0") }
        writeForwarders()
        if let domain = network.domain {
            if domain.localOnly == true { lines.append("local=/\(domain.name)/") }
            lines += ["domain=\(domain.name)", "expand-hosts"]
        }
        if wantsDNS { try writeLocalPTRDomains() }
        if wantsDNS && network.dns.forwardPlainNames == false {
            // Plain names (no dot) stay local whether or not a domain is set.
            lines += ["domain-needed", "local=//"]
        }
        if let pidFile { lines.append("pid-file=\(pidFile)") }
        // bind-dynamic with only interface= answers guests on this bridge and nobody else
        // (CVE-2012-3411); dnsmasq would otherwise always listen on loopback too.
        lines += ["except-interface=lo", "bind-dynamic", "interface=\(bridge)"]
        if network.forward == nil {
            // Isolated: no default route for DHCP clients, no upstream DNS, and a zero
            // lifetime for the default route every IPv6 router advertisement implies.
            lines += ["dhcp-option=3", "no-resolv", "ra-param=*,0,0"]
        }
        if wantsDNS { writeRecords() }
        let served = try dhcpServedAddresses()
        // Every IPv4 address may name a TFTP root, with or without DHCP; the switch is written once.
        let tftpRoots = network.ips.filter { $0.address.family == .ipv4 }.compactMap(\.tftpRoot)
        if !tftpRoots.isEmpty { lines.append("enable-tftp") }
        lines += tftpRoots.map { "tftp-root=\($0)" }
        var leaseCount = 0
        for ip in [served.ipv4, served.ipv6].compactMap({ $0 }) {
            leaseCount += try writeDHCP(for: ip, bridge: bridge)
        }
        if leaseCount > 0 { lines.append("dhcp-lease-max=\(leaseCount)") }
        // The files are named even when empty so hosts can be added while dnsmasq runs.
        if served.ipv4 != nil || served.ipv6 != nil { lines.append("dhcp-hostsfile=\(paths.dhcpHostsFile)") }
        if wantsDNS { lines.append("addn-hosts=\(paths.additionalHostsFile)") }
        if let mtu = network.mtu, mtu > 0 { lines.append("dhcp-option=option:mtu,\(mtu)") }
        writeRouterAdvertisements(dhcpv6: served.ipv6 != nil)
        lines += network.dnsmasqOptions?.values ?? []
    }

    private mutating func writeForwarders() {
        guard wantsDNS, !network.dns.forwarders.isEmpty else { return }
        // An address without a domain replaces resolv.conf for unclaimed queries.
        var replacesResolv = false
        for forwarder in network.dns.forwarders {
            var line = "server="
            if let domain = forwarder.domain { line += "/\(domain)/" }
            if let address = forwarder.address {
                line += address.description
                if forwarder.domain == nil { replacesResolv = true }
            } else {
                // A domain without an address means "never forward this domain".
                line += "#"
            }
            lines.append(line)
        }
        if replacesResolv { lines.append("no-resolv") }
    }

    private mutating func writeLocalPTRDomains() throws(PatchbayError) {
        for ip in network.ips where ip.localPtr == true {
            let prefix = ip.effectivePrefix ?? -1
            guard let domain = Self.reverseDomain(of: ip.address, prefix: prefix) else {
                let family = ip.address.family == .ipv4 ? "IPv4" : "IPv6"
                throw .unsupported("PTR domain for \(family) network with prefix \(UInt32(truncatingIfNeeded: prefix)) cannot be automatically created")
            }
            lines.append("local=/\(domain)/")
        }
    }

    /// The in-addr.arpa / ip6.arpa zone of `address`/`prefix`; nil unless the prefix ends on an
    /// octet (IPv4) or nibble (IPv6) boundary strictly inside the address.
    static func reverseDomain(of address: IPAddress, prefix: Int) -> String? {
        switch address.family {
        case .ipv4:
            guard prefix > 0, prefix < 32, prefix % 8 == 0 else { return nil }
            let octets = address.bytes.prefix(prefix / 8).reversed().map { "\($0)." }
            return octets.joined() + "in-addr.arpa"
        case .ipv6:
            guard prefix > 0, prefix < 128, prefix % 4 == 0 else { return nil }
            let nibbles = address.bytes.flatMap { [$0 >> 4, $0 & 0x0F] }
            return nibbles.prefix(prefix / 4).reversed().map { String($0, radix: 16) + "." }.joined() + "ip6.arpa"
        }
    }

    private mutating func writeRecords() {
        for record in network.dns.txtRecords {
            lines.append("txt-record=\(record.name),\(record.value ?? "")")
        }
        for record in network.dns.srvRecords {
            guard let service = record.service, let proto = record.protocol else { continue }
            // RFC 2782 names are _service._proto; the domain defaults to the network's.
            var line = "srv-host=_\(service)._\(proto)"
            if let domain = record.domain { line += ".\(domain)" }
            // No target, or ".", means "not available here": the numbers are then meaningless.
            if let target = record.target, target != "." {
                line += ",\(target)"
                // Fields are positional: an unset one before a set one gets its default
                // (port 1 per dnsmasq's manual, priority 0).
                if record.port != 0 || record.priority != 0 || record.weight != 0 {
                    line += ",\(record.port != 0 ? record.port : 1)"
                }
                if record.priority != 0 || record.weight != 0 { line += ",\(record.priority)" }
                if record.weight != 0 { line += ",\(record.weight)" }
            }
            lines.append(line)
        }
    }

    private func dhcpServedAddresses() throws(PatchbayError) -> (ipv4: NetworkIP?, ipv6: NetworkIP?) {
        for family in [IPFamily.ipv4, .ipv6] where network.ips.filter({ $0.address.family == family && $0.hasDHCP }).count > 1 {
            throw .unsupported("For \(family == .ipv4 ? "IPv4" : "IPv6"), multiple DHCP definitions cannot be specified.")
        }
        return DnsmasqHostsFiles.dhcpServedAddresses(of: network)
    }

    /// Writes the DHCP lines of one address; returns how many leases its ranges hold.
    private mutating func writeDHCP(for ip: NetworkIP, bridge: String) throws(PatchbayError) -> Int {
        guard let prefix = ip.effectivePrefix else {
            throw .internalError("bridge '\(bridge)' has an invalid prefix")
        }
        let isIPv4 = ip.address.family == .ipv4
        var leases = 0
        for range in ip.dhcpRanges {
            var line = "dhcp-range=\(range.start),\(range.end),"
            if isIPv4 {
                // dnsmasq wants an IPv4 netmask, an IPv6 prefix length.
                guard let netmask = (try? PrefixLength(prefix, family: .ipv4))?.ipv4Netmask else {
                    throw .internalError("Failed to translate bridge '\(bridge)' prefix \(prefix) to netmask")
                }
                line += netmask.description
            } else {
                line += String(prefix)
            }
            if let lease = range.lease { line += "," + DnsmasqHostsFiles.leaseText(lease) }
            lines.append(line)
            leases += Self.addressCount(from: range.start, to: range.end)
        }
        if ip.dhcpRanges.isEmpty && !ip.dhcpHosts.isEmpty {
            // Static-only DHCP still needs a range line to switch the DHCP server on.
            lines.append("dhcp-range=\(ip.address),static" + (isIPv4 ? "" : ",\(prefix)"))
        }
        guard isIPv4 else { return leases }
        lines += ["dhcp-no-override", "dhcp-authoritative"]
        if let bootp = ip.bootp {
            lines.append("dhcp-boot=\(bootp.file)" + (bootp.server.map { ",,\($0)" } ?? ""))
        }
        return leases
    }

    /// Addresses in a range as libvirt counts them: only the last 16 bits differ (the parser
    /// refused anything wider).
    static func addressCount(from start: IPAddress, to end: IPAddress) -> Int {
        let low = start.bytes.count - 2
        let first = Int(start.bytes[low]) << 8 | Int(start.bytes[low + 1])
        let last = Int(end.bytes[low]) << 8 | Int(end.bytes[low + 1])
        return max(0, last - first + 1)
    }

    private mutating func writeRouterAdvertisements(dhcpv6: Bool) {
        // With DHCPv6, dnsmasq's router advertisements point clients at it; without, each
        // IPv6 address gets stateless (SLAAC) advertisements only.
        if dhcpv6 {
            lines.append("enable-ra")
            return
        }
        for ip in network.ips where ip.address.family == .ipv6 && !ip.hasDHCP {
            lines.append("dhcp-range=\(ip.address),ra-only")
        }
    }
}
