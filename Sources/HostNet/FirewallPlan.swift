import NetCore

/// Renders a `FirewallPolicy` as one nftables table (`nft -f` input).
///
/// The table's base chains run beside the host's own tables; they only accept or drop traffic
/// that enters or leaves the network's bridge, so other traffic is never affected. Loading the
/// script replaces the whole table atomically (nft applies a file as one transaction).
public enum FirewallPlan {
    /// The script that (re)creates the policy's table. `replacing` deletes an existing table of
    /// that name in the same transaction; when the table is known to be absent it is left out,
    /// because a transaction that deletes a table makes nft wait for the kernel to free it
    /// (about 15 ms of a network's start).
    public static func script(_ policy: FirewallPolicy, replacing: Bool = true) -> String {
        let table = "inet \(policy.tableName)"
        var lines = replacing ? ["table \(table)", "delete table \(table)"] : []
        lines += [
            "table \(table) {",
            "  comment \"Patchbay network \(commentText(policy.networkName))\"",
            "  chain forward {",
            "    type filter hook forward priority filter; policy accept;",
        ]
        let bridge = "\"\(escape(policy.bridge.value))\""
        lines.append("    iifname \(bridge) oifname \(bridge) accept")
        if policy.mode != .isolated {
            let out = policy.forwardDevice.map { " oifname \"\(escape($0.value))\"" } ?? ""
            let back = policy.forwardDevice.map { " iifname \"\(escape($0.value))\"" } ?? ""
            for subnet in policy.subnets {
                let family = subnet.address.family == .ipv4 ? "ip" : "ip6"
                lines.append("    iifname \(bridge)\(out) \(family) saddr \(subnet.cidr) accept")
                let nated = policy.mode == .nat && (subnet.address.family == .ipv4 || policy.natIPv6)
                let returning = nated ? " ct state established,related" : ""
                lines.append("   \(back) oifname \(bridge) \(family) daddr \(subnet.cidr)\(returning) accept")
            }
        }
        lines.append("    iifname \(bridge) reject")
        lines.append("    oifname \(bridge) reject")
        lines.append("  }")
        if policy.mode == .nat {
            lines.append("  chain postrouting {")
            lines.append("    type nat hook postrouting priority srcnat; policy accept;")
            for subnet in policy.subnets where subnet.address.family == .ipv4 || policy.natIPv6 {
                lines += natRules(policy, subnet)
            }
            lines.append("  }")
        }
        lines.append("}")
        return lines.joined(separator: "\n") + "\n"
    }

    private static func natRules(_ policy: FirewallPolicy, _ subnet: FirewallPolicy.Subnet) -> [String] {
        let family = subnet.address.family == .ipv4 ? "ip" : "ip6"
        let from = "\(family) saddr \(subnet.cidr)"
        let out = policy.forwardDevice.map { " oifname \"\(escape($0.value))\"" } ?? ""
        // Multicast and broadcast stay local, as libvirt's rules keep them.
        var lines = subnet.address.family == .ipv4
            ? ["    \(from) ip daddr 224.0.0.0/24 return", "    \(from) ip daddr 255.255.255.255 return"]
            : ["    \(from) ip6 daddr ff02::/16 return"]
        let target: String
        if let addresses = policy.natAddresses, addresses.lowerBound.family == subnet.address.family {
            let range = addresses.lowerBound == addresses.upperBound ? "\(addresses.lowerBound)" : "\(addresses.lowerBound)-\(addresses.upperBound)"
            target = family == "ip6" ? "snat ip6 to [\(range)]" : "snat ip to \(range)"
        } else {
            target = "masquerade"
        }
        let ports = policy.natPorts ?? 1024...65535
        let portTarget = target == "masquerade" ? "masquerade to :\(ports.lowerBound)-\(ports.upperBound)"
            : "\(target):\(ports.lowerBound)-\(ports.upperBound)"
        lines.append("   \(out) \(from) \(family) daddr != \(subnet.cidr) meta l4proto { tcp, udp } \(portTarget)")
        lines.append("   \(out) \(from) \(family) daddr != \(subnet.cidr) \(target)")
        return lines
    }

    /// An nftables table name made from `name`: `prefix`, then `name` with every character but
    /// `A-Z a-z 0-9 _` written as `_` (at most 32 of them), then a hash of the real name, because
    /// sanitised names may collide.
    static func tableName(_ prefix: String, for name: String) -> String {
        let safe = name.unicodeScalars.map { scalar -> String in
            (("0"..."9").contains(scalar) || ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || scalar == "_")
                ? String(scalar) : "_"
        }.joined()
        var hash: UInt32 = 2166136261
        for byte in name.utf8 { hash = (hash ^ UInt32(byte)) &* 16777619 }
        return "\(prefix)\(safe.prefix(32))_\(String(hash, radix: 16))"
    }

    /// nft strings have no escapes: quotes and backslashes are dropped from the comment.
    static func commentText(_ text: String) -> String {
        String(text.unicodeScalars.filter { $0 != "\"" && $0 != "\\" && $0.value >= 0x20 }.prefix(100).map(Character.init))
    }

    private static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            if character == "\\" || character == "\"" { out.append("\\") }
            out.append(character)
        }
        return out
    }
}
