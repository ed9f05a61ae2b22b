import NetCore

/// The host's own network configuration at one moment: links, addresses and main-table routes,
/// normalized so two snapshots of the same configuration compare equal (sorted, no interface
/// indexes in comparisons, no IPv6 link-local addresses or routes, no lifetimes).
///
/// Stored as JSON inside a pending transaction, so every field is a plain string or number.
public struct HostInterfaceSnapshot: Codable, Sendable, Equatable {
    /// One link.
    public struct Link: Codable, Sendable, Equatable, Hashable, Comparable {
        /// Interface name.
        public var name: String
        /// Interface index when the snapshot was taken (informative: a re-created link gets a new one).
        public var index: Int32
        /// `IFLA_INFO_KIND` (`bridge`, `veth`...), nil for physical devices and loopback.
        public var kind: String?
        /// MTU.
        public var mtu: UInt32?
        /// Hardware address.
        public var mac: String?
        /// Administratively up.
        public var up: Bool
        /// Name of its master (the bridge it is a port of).
        public var master: String?
        /// Name of a veth's peer, so a deleted pair can be re-created.
        public var peer: String?

        /// A link.
        public init(name: String, index: Int32 = 0, kind: String?, mtu: UInt32?, mac: String?, up: Bool,
                    master: String?, peer: String? = nil) {
            self.name = name
            self.index = index
            self.kind = kind
            self.mtu = mtu
            self.mac = mac
            self.up = up
            self.master = master
            self.peer = peer
        }

        /// The same link without its index, for comparing configurations.
        public var normalized: Link {
            var copy = self
            copy.index = 0
            return copy
        }

        public static func < (lhs: Link, rhs: Link) -> Bool { lhs.name < rhs.name }
    }

    /// One address on a link.
    public struct Address: Codable, Sendable, Equatable, Hashable, Comparable {
        /// The link's name.
        public var link: String
        public var address: String
        /// Prefix length.
        public var prefix: Int

        /// An address.
        public init(link: String, address: String, prefix: Int) {
            self.link = link
            self.address = address
            self.prefix = prefix
        }

        public static func < (lhs: Address, rhs: Address) -> Bool {
            (lhs.link, lhs.address, lhs.prefix) < (rhs.link, rhs.address, rhs.prefix)
        }
    }

    /// One main-table route.
    public struct Route: Codable, Sendable, Equatable, Hashable, Comparable {
        /// `ipv4` or `ipv6`.
        public var family: String
        /// Destination, nil for a default route.
        public var destination: String?
        /// Destination prefix length.
        public var prefix: Int
        /// Next hop.
        public var gateway: String?
        /// Output link's name.
        public var device: String?
        /// Metric (IPv4's absent metric is stored as 0, which is what it means).
        public var metric: UInt32
        /// `RT_SCOPE_*`.
        public var scope: UInt8
        /// `RTPROT_*` (kernel, boot, static...).
        public var routeProtocol: UInt8
        /// `RTN_*` (unicast, blackhole...).
        public var type: UInt8
        /// Preferred source address.
        public var source: String?

        /// A route.
        public init(family: String, destination: String?, prefix: Int, gateway: String?, device: String?, metric: UInt32,
                    scope: UInt8, routeProtocol: UInt8, type: UInt8, source: String?) {
            self.family = family
            self.destination = destination
            self.prefix = prefix
            self.gateway = gateway
            self.device = device
            self.metric = metric
            self.scope = scope
            self.routeProtocol = routeProtocol
            self.type = type
            self.source = source
        }

        /// `10.0.0.0/24 via 10.0.0.1 dev eth0 metric 0`, as people read routes.
        public var summary: String {
            var text = destination.map { "\($0)/\(prefix)" } ?? "default"
            if let gateway { text += " via \(gateway)" }
            if let device { text += " dev \(device)" }
            return text + " metric \(metric)"
        }

        public static func < (lhs: Route, rhs: Route) -> Bool { lhs.sortKey < rhs.sortKey }
        private var sortKey: String { "\(family) \(summary) \(scope) \(routeProtocol) \(type) \(source ?? "")" }
    }

    /// Links, sorted by name.
    public var links: [Link]
    /// Addresses, sorted.
    public var addresses: [Address]
    /// Routes, sorted.
    public var routes: [Route]

    /// A snapshot; the parts are sorted here so equal configurations are equal values.
    public init(links: [Link], addresses: [Address], routes: [Route]) {
        self.links = links.sorted()
        self.addresses = addresses.sorted()
        self.routes = routes.sorted()
    }

    /// The configuration without interface indexes: what "the host is back exactly" compares.
    public var normalized: HostInterfaceSnapshot {
        HostInterfaceSnapshot(links: links.map(\.normalized), addresses: addresses, routes: routes)
    }

    /// The link called `name`.
    public func link(named name: String) -> Link? { links.first { $0.name == name } }

    /// Links by name (plans over thousands of links look each one up).
    public var linksByName: [String: Link] { Dictionary(links.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first }) }

    /// Whether an address belongs in a snapshot: IPv6 link-local addresses are the kernel's, made
    /// again whenever a link comes up, so they are neither compared nor restored.
    public static func isInScope(address: IPAddress) -> Bool {
        !(address.family == .ipv6 && address.bytes[0] == 0xFE && address.bytes[1] & 0xC0 == 0x80)
    }

    /// Whether a route belongs in a snapshot: the kernel's own IPv6 link-local and multicast routes are not.
    public static func isInScope(route destination: IPAddress?, family: IPFamily) -> Bool {
        guard family == .ipv6, let destination else { return true }
        if destination.bytes[0] == 0xFF { return false }
        return isInScope(address: destination)
    }
}
