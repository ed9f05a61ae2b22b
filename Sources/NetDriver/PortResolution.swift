import NetConf
import NetCore

/// What a port gets from its network: the portgroup, and the settings that come from it or from
/// the network when the port does not say (libvirt's precedence).
public struct PortResolution: Sendable, Equatable {
    /// The portgroup in effect (named, else the default one, else none).
    public var portgroup: Portgroup?
    /// Port's bandwidth, else the portgroup's (the network's own bandwidth shapes the network, not ports).
    public var bandwidth: Bandwidth?
    /// Port's VLAN, else the portgroup's, else the network's.
    public var vlan: VLAN?
    /// Port's setting, else the portgroup's, else the network's.
    public var trustGuestRxFilters: Bool?
    /// Port, portgroup and network profiles merged.
    public var virtualPort: VirtualPort?

    /// Resolves `port` against `network`; an unknown portgroup is an error (libvirt accepts it silently).
    public init(port: NetworkPortDefinition, network: NetworkDefinition) throws(PatchbayError) {
        if let name = port.group {
            guard let group = network.portgroups.first(where: { $0.name == name }) else {
                throw .invalidArgument("portgroup '\(name)' does not exist in network '\(network.name)'")
            }
            portgroup = group
        } else {
            portgroup = network.portgroups.first { $0.isDefault }
        }
        bandwidth = port.bandwidth ?? portgroup?.bandwidth
        vlan = port.vlan ?? portgroup?.vlan ?? network.vlan
        trustGuestRxFilters = port.trustGuestRxFilters ?? portgroup?.trustGuestRxFilters ?? network.trustGuestRxFilters
        virtualPort = try VirtualPortMerge.merge([port.virtualPort, portgroup?.virtualPort, network.virtualPort])
    }
}
