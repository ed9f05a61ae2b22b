import HostOS
import NetCore
import Netlink

/// Loads and removes networks' nftables tables (one table per network; no iptables).
///
/// Tables are loaded with `nft -f` (one atomic transaction per policy); removing and listing them
/// are direct nf_tables netlink requests, which cost a fraction of an `nft` process.
public struct Firewall: Sendable {
    /// The nft binary.
    public static let nft = "/usr/sbin/nft"

    /// Network namespace file to work in; nil for the caller's.
    public let namespace: String?
    private let connection: NftablesConnection

    /// A firewall for the given namespace.
    public init(namespace: String? = nil) {
        self.namespace = namespace
        connection = NftablesConnection(namespace: namespace)
    }

    /// Installs (or atomically replaces) the policy's table.
    public func apply(_ policy: FirewallPolicy) throws(PatchbayError) {
        // Listing is a netlink round trip; replacing a table costs nft a wait for the kernel.
        let present = (try? tables().contains(policy.tableName)) ?? true
        try HostCommand.run(Self.nft, ["-f", "-"], input: FirewallPlan.script(policy, replacing: present), namespace: namespace)
    }

    /// Removes a network's table; removing an absent table is not an error.
    public func remove(tableName: String) throws(PatchbayError) {
        try connection.nftables().deleteTable(tableName, family: .inet)
    }

    /// Names of Patchbay's tables present now (for leak checks and the drift report).
    public func tables() throws(PatchbayError) -> [String] {
        try connection.nftables().tables(family: .inet)
            .filter { $0.family == .inet && $0.name.hasPrefix("patchbay_") }
            .map(\.name)
    }
}

/// The nf_tables socket of a `Firewall` or a `BridgeOutboundRedirect`, opened on first use and then
/// kept (copies share it); requests on it are serialised by the socket's own lock.
final class NftablesConnection: @unchecked Sendable {
    private let namespace: String?
    private let lock = Lock()
    private var opened: Nftables?

    /// A connection that opens nothing until first used.
    init(namespace: String?) { self.namespace = namespace }

    /// The socket, opened in the firewall's namespace on first use.
    func nftables() throws(PatchbayError) -> Nftables {
        try lock.withLock { () throws(PatchbayError) -> Nftables in
            if let opened { return opened }
            let fresh = try Nftables(in: namespace)
            opened = fresh
            return fresh
        }
    }
}
