import NetCore

/// What a network's firewall must do, independent of how the network document spells it.
public struct FirewallPolicy: Sendable, Equatable {
    /// How traffic leaves the network.
    public enum Mode: String, Sendable {
        /// Forwarded out with the source rewritten (masquerade or SNAT to an address range).
        case nat
        /// Forwarded out and in, addresses kept.
        case route
        /// No forwarding at all beyond the bridge.
        case isolated
    }

    /// One subnet of the network.
    public struct Subnet: Sendable, Equatable {
        /// Network address (host bits cleared when rendered).
        public var address: IPAddress
        /// Prefix length.
        public var prefix: PrefixLength

        public init(address: IPAddress, prefix: PrefixLength) {
            self.address = address
            self.prefix = prefix
        }

        /// `a.b.c.d/n` with host bits cleared.
        public var cidr: String { "\(address.masked(to: prefix))/\(prefix)" }
    }

    /// The network's name (for the table name and comments).
    public var networkName: String
    /// The network's bridge.
    public var bridge: InterfaceName
    /// How traffic leaves.
    public var mode: Mode
    /// The network's subnets.
    public var subnets: [Subnet]
    /// Forward only through this device (libvirt's `<forward dev=>`), else any.
    public var forwardDevice: InterfaceName?
    /// SNAT source address range (libvirt's `<nat><address start end/>`); masquerade when nil.
    public var natAddresses: ClosedRange<IPAddress>?
    /// SNAT port range (`<nat><port start end/>`), applied to TCP and UDP.
    public var natPorts: ClosedRange<UInt16>?
    /// NAT IPv6 subnets too (`<nat ipv6='yes'/>`); otherwise IPv6 is routed.
    public var natIPv6: Bool

    public init(networkName: String, bridge: InterfaceName, mode: Mode, subnets: [Subnet], forwardDevice: InterfaceName? = nil,
                natAddresses: ClosedRange<IPAddress>? = nil, natPorts: ClosedRange<UInt16>? = nil, natIPv6: Bool = false) {
        self.networkName = networkName
        self.bridge = bridge
        self.mode = mode
        self.subnets = subnets
        self.forwardDevice = forwardDevice
        self.natAddresses = natAddresses
        self.natPorts = natPorts
        self.natIPv6 = natIPv6
    }

    /// The nftables table that holds this network's rules: one per network, named after it.
    public var tableName: String { FirewallPlan.tableName("patchbay_", for: networkName) }
}
