import NetConf
import NetCore

/// What a driver needs to put bandwidth on the host: a NIC's own shaping (tap, or tap + macvlan)
/// and a network's shaping at its bridge with its ports' floors. `BandwidthShaper` is the real
/// one; drivers' unit tests use a fake.
///
/// Every operation either completes or leaves nothing of itself behind; removing what is not
/// there is not an error.
public protocol BandwidthShaping: Sendable {
    /// Shapes a NIC's traffic (inbound towards the guest, outbound from it), replacing what was there.
    func apply(_ bandwidth: Bandwidth, to nic: ShapedNIC, group: UInt32?) throws(PatchbayError)
    /// Removes a NIC's shaping.
    func remove(from nic: ShapedNIC) throws(PatchbayError)

    /// Installs a network's shaping on its bridge with its current ports' floors, replacing what was there.
    func applyToNetwork(_ bandwidth: Bandwidth, bridge: InterfaceName, floors: [PortFloor], group: UInt32?) throws(PatchbayError)
    /// Gives a port its floor; `flooredTotal` is what the other ports hold.
    func plugFloor(_ floor: PortFloor, bridge: InterfaceName, network inbound: BandwidthRate, flooredTotal: KibibytesPerSecond) throws(PatchbayError)
    /// Takes a port's floor away; `flooredTotal` is what the remaining ports hold.
    func unplugFloor(classID: UInt32, bridge: InterfaceName, network inbound: BandwidthRate, flooredTotal: KibibytesPerSecond) throws(PatchbayError)
    /// Removes a network's shaping from its bridge.
    func removeFromNetwork(bridge: InterfaceName) throws(PatchbayError)
    /// Removes what of a network's shaping outlives its bridge, once the bridge is gone.
    func removeNetworkLeftovers(bridge: InterfaceName) throws(PatchbayError)
    /// Whether everything `bandwidth` needs is in place on `bridge`.
    func isInstalledOnNetwork(_ bandwidth: Bandwidth, bridge: InterfaceName) throws(PatchbayError) -> Bool
}

extension BandwidthShaper: BandwidthShaping {}
