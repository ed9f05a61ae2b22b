import CLinuxUAPI
import NetCore

/// The macvlan/macvtap modes (`MACVLAN_MODE_*`), named as libvirt's direct modes are.
public enum MacvlanMode: String, Sendable, CaseIterable {
    /// Guests on the same lower device cannot talk to each other.
    case `private`
    /// All traffic goes to the external switch (which needs hairpin mode).
    case vepa
    /// Guests on the same lower device talk directly.
    case bridge
    /// One device takes over the lower device entirely.
    case passthru

    /// The kernel's value.
    public var kernelValue: UInt32 {
        switch self {
        case .private: UInt32(MACVLAN_MODE_PRIVATE.rawValue)
        case .vepa: UInt32(MACVLAN_MODE_VEPA.rawValue)
        case .bridge: UInt32(MACVLAN_MODE_BRIDGE.rawValue)
        case .passthru: UInt32(MACVLAN_MODE_PASSTHRU.rawValue)
        }
    }
}

/// Bridge settings applied at creation (libvirt's `<bridge stp= delay=>` plus ageing).
public struct BridgeOptions: Sendable, Equatable {
    /// Spanning tree on or off.
    public var stp: Bool?
    /// Forward delay in seconds.
    public var forwardDelay: UInt32?
    /// MAC ageing time in seconds (0 makes the bridge a hub).
    public var ageingTime: UInt32?

    public init(stp: Bool? = nil, forwardDelay: UInt32? = nil, ageingTime: UInt32? = nil) {
        self.stp = stp
        self.forwardDelay = forwardDelay
        self.ageingTime = ageingTime
    }
}

/// A VXLAN tunnel endpoint.
public struct VXLANOptions: Sendable, Equatable {
    /// VXLAN network identifier (24 bits).
    public var id: UInt32
    /// Remote endpoint (unicast) or multicast group.
    public var remote: IPAddress?
    /// Local source address.
    public var local: IPAddress?
    /// UDP destination port (4789 when nil).
    public var port: UInt16?
    /// Index of the underlying device.
    public var underlyingIndex: Int32?

    public init(id: UInt32, remote: IPAddress? = nil, local: IPAddress? = nil, port: UInt16? = nil, underlyingIndex: Int32? = nil) {
        self.id = id
        self.remote = remote
        self.local = local
        self.port = port
        self.underlyingIndex = underlyingIndex
    }
}

/// The kinds of link Patchbay creates through rtnetlink (taps are made with TUNSETIFF instead).
public enum LinkKind: Sendable, Equatable {
    /// A Linux bridge.
    case bridge(BridgeOptions)
    /// A veth pair; the peer gets `peer` as its name.
    case veth(peer: InterfaceName)
    /// A macvlan on the lower device with this index.
    case macvlan(lowerIndex: Int32, mode: MacvlanMode)
    /// A macvtap on the lower device with this index.
    case macvtap(lowerIndex: Int32, mode: MacvlanMode)
    /// An intermediate functional block, target of redirected ingress traffic.
    case ifb
    /// A dummy device (tests use it as a stand-in for a physical NIC).
    case dummy
    /// A VXLAN tunnel.
    case vxlan(VXLANOptions)

    /// The `IFLA_INFO_KIND` string.
    public var kindName: String {
        switch self {
        case .bridge: "bridge"
        case .veth: "veth"
        case .macvlan: "macvlan"
        case .macvtap: "macvtap"
        case .ifb: "ifb"
        case .dummy: "dummy"
        case .vxlan: "vxlan"
        }
    }

    /// Attributes of `IFLA_INFO_DATA`, plus top-level attributes the kind needs (IFLA_LINK).
    func attributes() -> (data: [NetlinkAttribute], top: [NetlinkAttribute]) {
        switch self {
        case .bridge(let options):
            var data: [NetlinkAttribute] = []
            if let stp = options.stp { data.append(.u32(UInt16(IFLA_BR_STP_STATE), stp ? 1 : 0)) }
            // The kernel takes clock_t in USER_HZ (1/100 s).
            if let delay = options.forwardDelay { data.append(.u32(UInt16(IFLA_BR_FORWARD_DELAY), delay * 100)) }
            if let ageing = options.ageingTime { data.append(.u32(UInt16(IFLA_BR_AGEING_TIME), ageing * 100)) }
            return (data, [])
        case .veth(let peer):
            var peerInfo = NetlinkWriter()
            InterfaceInfoHeader().encode(into: &peerInfo)
            NetlinkAttribute.string(UInt16(IFLA_IFNAME), peer.value).encode(into: &peerInfo)
            return ([NetlinkAttribute(UInt16(VETH_INFO_PEER), bytes: peerInfo.bytes)], [])
        case .macvlan(let lower, let mode), .macvtap(let lower, let mode):
            return ([.u32(UInt16(IFLA_MACVLAN_MODE), mode.kernelValue)], [.u32(UInt16(IFLA_LINK), UInt32(bitPattern: lower))])
        case .ifb, .dummy:
            return ([], [])
        case .vxlan(let options):
            var data: [NetlinkAttribute] = [.u32(UInt16(IFLA_VXLAN_ID), options.id)]
            if let remote = options.remote {
                data.append(NetlinkAttribute(UInt16(remote.family == .ipv4 ? IFLA_VXLAN_GROUP : IFLA_VXLAN_GROUP6), bytes: remote.bytes))
            }
            if let local = options.local {
                data.append(NetlinkAttribute(UInt16(local.family == .ipv4 ? IFLA_VXLAN_LOCAL : IFLA_VXLAN_LOCAL6), bytes: local.bytes))
            }
            if let index = options.underlyingIndex { data.append(.u32(UInt16(IFLA_VXLAN_LINK), UInt32(bitPattern: index))) }
            data.append(.u16BigEndian(UInt16(IFLA_VXLAN_PORT), options.port ?? 4789))
            return (data, [])
        }
    }
}
