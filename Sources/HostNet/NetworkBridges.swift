import NetConf
import NetCore

/// What a network driver needs from the host for bridges and the links around them: the bridge of
/// a network that has its own (isolated, nat, route, open) with its addresses, IPv6 switches and
/// routes; the host bridge or pool devices other networks rely on; device groups, which let a
/// network's devices go in one request. `LinuxNetworkBridges` is the real one; drivers' unit tests
/// use a fake.
public protocol NetworkBridges: Sendable {
    /// Creates `network`'s bridge in device group `group`, with its IPv6 switches and addresses,
    /// down. On failure the group is deleted again (nothing of the bridge is left).
    func createBridge(_ bridge: InterfaceName, of network: NetworkDefinition, group: UInt32) throws(PatchbayError)
    /// Brings the bridge up and adds the network's static routes (they need it up; they go with it).
    func activateBridge(_ bridge: InterfaceName, of network: NetworkDefinition) throws(PatchbayError)
    /// Turns on the host's IPv4 (and, with `ipv6`, IPv6) forwarding.
    func enableForwarding(ipv6: Bool) throws(PatchbayError)
    /// Deletes every device in `group` (a network's bridge and its IFB) in one request.
    func deleteGroup(_ group: UInt32) throws(PatchbayError)
    /// The device group of device `name`; nil when there is no such device.
    func group(of name: InterfaceName) throws(PatchbayError) -> UInt32?
    /// The groups devices are in now.
    func usedGroups() throws(PatchbayError) -> Set<UInt32>
    /// The names of all devices now.
    func deviceNames() throws(PatchbayError) -> Set<String>
    /// The names of the bridges now.
    func bridgeNames() throws(PatchbayError) -> Set<String>
    /// The host bridge a bridge-mode network uses: it must exist and be a bridge. Nothing is created.
    func checkHostBridge(_ name: String, of network: NetworkDefinition) throws(PatchbayError) -> InterfaceName
    /// The pool of a direct-mode network: every device must exist. Nothing is created.
    func checkPool(of network: NetworkDefinition) throws(PatchbayError)
}

extension NetworkBridges {
    /// A device group for a network, starting at `preferred` (derived from its uuid, so stable
    /// across restarts): never 0 (every device's default) and used by no device yet, so deleting
    /// it takes only the network's own.
    public func freeGroup(preferred: UInt32) throws(PatchbayError) -> UInt32 {
        let used = try usedGroups()
        var candidate = preferred == 0 ? 1 : preferred
        while used.contains(candidate) {
            candidate = candidate == UInt32.max - 1 ? 1 : candidate + 1
        }
        return candidate
    }
}
