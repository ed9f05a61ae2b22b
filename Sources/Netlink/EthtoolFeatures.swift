import CLinuxUAPI
import Glibc
import NetCore

/// A link's offload features as ethtool names them (`rx`, `tx`, `sg`, `tso`, `gso`, `gro`, `lro`,
/// `rxvlan`, `txvlan`, `ntuple`, `rxhash`), the words libvirt's node devices list.
public enum EthtoolFeatures {
    /// Single-value queries and the feature each one reports when non-zero.
    static let queries: [(command: UInt32, name: String)] = [
        (UInt32(ETHTOOL_GRXCSUM), "rx"), (UInt32(ETHTOOL_GTXCSUM), "tx"), (UInt32(ETHTOOL_GSG), "sg"),
        (UInt32(ETHTOOL_GTSO), "tso"), (UInt32(ETHTOOL_GGSO), "gso"), (UInt32(ETHTOOL_GGRO), "gro"),
    ]
    /// Bits of ETHTOOL_GFLAGS and their feature names.
    static let flags: [(bit: UInt32, name: String)] = [
        (UInt32(ETH_FLAG_LRO.rawValue), "lro"), (UInt32(ETH_FLAG_RXVLAN.rawValue), "rxvlan"),
        (UInt32(ETH_FLAG_TXVLAN.rawValue), "txvlan"), (UInt32(ETH_FLAG_NTUPLE.rawValue), "ntuple"),
        (UInt32(ETH_FLAG_RXHASH.rawValue), "rxhash"),
    ]

    /// The enabled features of `name` in the caller's network namespace; a device that answers no
    /// ethtool query (loopback answers some) simply has fewer.
    public static func of(_ name: String) -> [String] {
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return [] }
        defer { close(fd) }
        var features: [String] = []
        for query in queries {
            var value: UInt32 = 0
            if pb_ethtool_get(fd, name, query.command, &value) == 0, value != 0 { features.append(query.name) }
        }
        var value: UInt32 = 0
        if pb_ethtool_get(fd, name, UInt32(ETHTOOL_GFLAGS), &value) == 0 {
            features += flags.filter { value & $0.bit != 0 }.map(\.name)
        }
        return features
    }
}
