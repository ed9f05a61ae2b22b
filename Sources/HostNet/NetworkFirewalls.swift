import NetCore

/// What a network driver needs from the host's firewall: one nftables table per network, loaded
/// or replaced atomically, removed, listed. `Firewall` is the real one; drivers' unit tests use a fake.
public protocol NetworkFirewalls: Sendable {
    /// Installs (or atomically replaces) the policy's table.
    func apply(_ policy: FirewallPolicy) throws(PatchbayError)
    /// Removes a network's table; removing an absent table is not an error.
    func remove(tableName: String) throws(PatchbayError)
    /// Names of Patchbay's tables present now.
    func tables() throws(PatchbayError) -> [String]
}

extension Firewall: NetworkFirewalls {}
