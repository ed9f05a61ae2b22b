import NetCore

/// Loads and removes networks' nftables tables (one table per network; no iptables).
public struct Firewall: Sendable {
    /// The nft binary.
    public static let nft = "/usr/sbin/nft"

    /// Network namespace file to work in; nil for the caller's.
    public let namespace: String?

    /// A firewall for the given namespace.
    public init(namespace: String? = nil) { self.namespace = namespace }

    /// Installs (or atomically replaces) the policy's table.
    public func apply(_ policy: FirewallPolicy) throws(PatchbayError) {
        try HostCommand.run(Self.nft, ["-f", "-"], input: FirewallPlan.script(policy), namespace: namespace)
    }

    /// Removes a network's table; removing an absent table is not an error.
    public func remove(tableName: String) throws(PatchbayError) {
        try HostCommand.run(Self.nft, ["-f", "-"], input: FirewallPlan.removal(tableName: tableName), namespace: namespace)
    }

    /// Names of Patchbay's tables present now (for leak checks and the drift report).
    public func tables() throws(PatchbayError) -> [String] {
        let listed = try HostCommand.run(Self.nft, ["list", "tables"], namespace: namespace).output
        return listed.split(separator: "\n").compactMap { line in
            let words = line.split(separator: " ")
            guard words.count == 3, words[0] == "table", words[2].hasPrefix("patchbay_") else { return nil }
            return String(words[2])
        }
    }
}
