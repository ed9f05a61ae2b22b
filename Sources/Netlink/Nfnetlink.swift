import CLinuxUAPI

/// A netfilter address family: the `NFPROTO_*` values of linux/netfilter.h (that header is not
/// imported: its linux/in.h clashes with Glibc's netinet/in.h).
public struct NetfilterFamily: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The `NFPROTO_*` value.
    public var rawValue: UInt8

    /// The family with this `NFPROTO_*` value.
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// NFPROTO_UNSPEC: every family (in dump requests).
    public static let unspecified = NetfilterFamily(rawValue: 0)
    /// NFPROTO_INET: IPv4 and IPv6 together (nft's `inet`).
    public static let inet = NetfilterFamily(rawValue: 1)
    /// NFPROTO_IPV4 (nft's `ip`).
    public static let ipv4 = NetfilterFamily(rawValue: 2)
    /// NFPROTO_ARP (nft's `arp`).
    public static let arp = NetfilterFamily(rawValue: 3)
    /// NFPROTO_NETDEV (nft's `netdev`).
    public static let netdev = NetfilterFamily(rawValue: 5)
    /// NFPROTO_BRIDGE (nft's `bridge`).
    public static let bridge = NetfilterFamily(rawValue: 7)
    /// NFPROTO_IPV6 (nft's `ip6`).
    public static let ipv6 = NetfilterFamily(rawValue: 10)

    /// The family as nft spells it (`inet`, `ip`, `ip6`...), or its number when nft has no name for it.
    public var description: String {
        switch self {
        case .inet: "inet"
        case .ipv4: "ip"
        case .ipv6: "ip6"
        case .arp: "arp"
        case .bridge: "bridge"
        case .netdev: "netdev"
        default: "family \(rawValue)"
        }
    }
}

/// `struct nfgenmsg`, the header after `nlmsghdr` in every nfnetlink message.
public struct NetfilterHeader: RouteFamilyHeader, Equatable {
    /// `nfgen_family`.
    public var family: NetfilterFamily
    /// `version`: NFNETLINK_V0.
    public var version: UInt8 = UInt8(NFNETLINK_V0)
    /// `res_id` in host order (sent big-endian): the subsystem in batch messages, the ruleset
    /// generation in the kernel's answers, 0 in requests.
    public var resourceID: UInt16

    public init(family: NetfilterFamily, resourceID: UInt16 = 0) {
        self.family = family
        self.resourceID = resourceID
    }

    /// Appends the fields.
    public func encode(into writer: inout NetlinkWriter) {
        writer.append(family.rawValue)
        writer.append(version)
        writer.append(resourceID.bigEndian)
    }

    /// Reads the fields.
    public init(reading reader: inout NetlinkReader) throws(NetlinkError) {
        family = NetfilterFamily(rawValue: try reader.integer())
        version = try reader.integer()
        resourceID = UInt16(bigEndian: try reader.integer())
    }
}

/// nfnetlink batches: requests to a transactional subsystem (nf_tables) travel between a
/// NFNL_MSG_BATCH_BEGIN and a NFNL_MSG_BATCH_END naming the subsystem, and the kernel applies
/// them as one transaction (all or nothing).
public enum NetfilterBatch {
    /// `requests` wrapped in begin and end, numbered consecutively from `sequence` (begin first).
    public static func messages(subsystem: UInt16, sequence: UInt32,
                                _ requests: [NetlinkMessage<NetfilterHeader>]) -> [NetlinkMessage<NetfilterHeader>] {
        let framing = NetfilterHeader(family: .unspecified, resourceID: subsystem)
        let request = UInt16(NLM_F_REQUEST)
        var batch = [NetlinkMessage(type: UInt16(NFNL_MSG_BATCH_BEGIN), flags: request, header: framing)]
        batch += requests
        batch.append(NetlinkMessage(type: UInt16(NFNL_MSG_BATCH_END), flags: request, header: framing))
        for index in batch.indices { batch[index].sequence = sequence &+ UInt32(index) }
        return batch
    }
}
