import HostOS
import NetCore
import Netlink

/// What hands everything a network's bridge receives from its guests to the IFB that shapes the
/// network's outbound traffic: an nftables `netdev` table whose ingress chain on the bridge does
/// `fwd to` the IFB.
///
/// Why not tc's `mirred egress redirect` on the bridge's ingress (what a guest device uses): with
/// `bridge-nf-call-iptables` on (the kernel's default), br_netfilter runs the IPv4 prerouting hooks
/// while the frame is still being bridged, so conntrack's entry is made and attached there. act_mirred
/// then clears it (`nf_reset_ct`: "all mirred/redirected skbs should clear previous ct info"), and when
/// the IFB hands the packet back, br_netfilter's `ip_sabotage_in` skips prerouting because the bridge
/// already ran it. The packet is forwarded with no conntrack entry at all: the forward chain sees
/// `ct state invalid`, the nat postrouting chain never masquerades, and the guest's address leaves
/// through the uplink. nf_tables' `fwd` (nf_fwd_netdev) leaves the entry on the packet, so NAT works;
/// the IFB and its HTB are the same, so every guest of the network still shares one limit.
public struct BridgeOutboundRedirect: Sendable {
    /// Network namespace file to work in; nil for the caller's.
    public let namespace: String?
    private let connection: NftablesConnection

    /// A redirect manager for the given namespace.
    public init(namespace: String? = nil) {
        self.namespace = namespace
        connection = NftablesConnection(namespace: namespace)
    }

    /// The `netdev` table that carries `bridge`'s redirect: named after the bridge (one network per
    /// bridge), so it can be found and removed knowing only the bridge, even after the bridge is gone.
    /// (An interface name is at most 15 bytes, so the whole sanitised name is kept.)
    public static func tableName(bridge: InterfaceName) -> String {
        FirewallPlan.tableName("patchbay_outbound_", for: bridge.value)
    }

    /// The `nft -f` script that (re)creates the table: everything entering the host through `bridge`
    /// goes to `ifb`. `replacing` deletes an existing table of that name in the same transaction.
    public static func script(bridge: InterfaceName, ifb: InterfaceName, replacing: Bool) throws(PatchbayError) -> String {
        let table = "netdev \(tableName(bridge: bridge))"
        var lines = replacing ? ["table \(table)", "delete table \(table)"] : []
        lines += [
            "table \(table) {",
            "  comment \"Patchbay outbound bandwidth of bridge \(FirewallPlan.commentText(bridge.value))\"",
            "  chain outbound {",
            "    type filter hook ingress device \(try quoted(bridge)) priority 0; policy accept;",
            "    fwd to \(try quoted(ifb))",
            "  }",
            "}",
        ]
        return lines.joined(separator: "\n") + "\n"
    }

    /// `name` as an nft string. nft strings have no escapes (a backslash is itself), so a name with
    /// a double quote cannot be written at all.
    static func quoted(_ name: InterfaceName) throws(PatchbayError) -> String {
        guard !name.value.contains("\"") else {
            throw PatchbayError(.operationUnsupported,
                                "Unable to set outbound bandwidth on '\(name)': nftables cannot name an interface containing '\"'")
        }
        return "\"\(name.value)\""
    }

    /// Sends what `bridge` receives to `ifb` (which must exist: nft resolves it to its index now, so
    /// a re-created IFB needs the table loaded again). Replaces a previous redirect atomically.
    public func apply(bridge: InterfaceName, ifb: InterfaceName) throws(PatchbayError) {
        let present = (try? isInstalled(bridge: bridge)) ?? true
        try HostCommand.run(Firewall.nft, ["-f", "-"], input: try Self.script(bridge: bridge, ifb: ifb, replacing: present), namespace: namespace)
    }

    /// Removes `bridge`'s redirect; removing an absent one is not an error.
    public func remove(bridge: InterfaceName) throws(PatchbayError) {
        try connection.nftables().deleteTable(Self.tableName(bridge: bridge), family: .netdev)
    }

    /// Whether `bridge`'s redirect table is loaded.
    public func isInstalled(bridge: InterfaceName) throws(PatchbayError) -> Bool {
        let name = Self.tableName(bridge: bridge)
        return try connection.nftables().tables(family: .netdev).contains { $0.family == .netdev && $0.name == name }
    }
}
