import NetConf
import NetCore
import Netlink

/// A network's own `<bandwidth>` at its bridge, and its ports' floors.
///
/// inbound = traffic entering the network (bridge egress, the HTB tree of
/// `BandwidthPlan.networkInbound`); outbound = traffic leaving it (everything the bridge receives,
/// handed to an IFB by `BridgeOutboundRedirect` and shaped there by one HTB: one limit shared by
/// all the guests, and NATed traffic keeps its conntrack entry, which tc's mirred would drop).
extension BandwidthShaper {
    /// Installs the network's shaping and the floors of its current ports, replacing what was there.
    /// The IFB of the outbound shaping joins device group `group` when given (the network's group,
    /// so stopping the network removes it with the bridge in one request).
    public func applyToNetwork(_ bandwidth: Bandwidth, bridge: InterfaceName, floors: [PortFloor] = [],
                               group: UInt32? = nil) throws(PatchbayError) {
        try removeFromNetwork(bridge: bridge)
        do {
            if let outbound = bandwidth.outbound, outbound.average != nil {
                let ifb = try shapeThroughIFB(for: bridge, rate: outbound, group: group)
                try redirect.apply(bridge: bridge, ifb: ifb)
            }
            guard let inbound = bandwidth.inbound, inbound.average != nil else { return }
            try batch(BandwidthPlan.networkStart(bridge: bridge.value, inbound: inbound, floors: floors))
        } catch {
            try? removeFromNetwork(bridge: bridge)
            throw error
        }
    }

    /// Adds one port's floor to a running network; `flooredTotal` is what the other ports already
    /// hold. The network's inbound average must hold it: admission is the driver's.
    public func plugFloor(_ floor: PortFloor, bridge: InterfaceName, network inbound: BandwidthRate,
                          flooredTotal: KibibytesPerSecond) throws(PatchbayError) {
        try batch(BandwidthPlan.floorPlug(floor, bridge: bridge.value, network: inbound, others: flooredTotal))
    }

    /// Removes one port's floor; `flooredTotal` is what the remaining ports hold.
    public func unplugFloor(classID: UInt32, bridge: InterfaceName, network inbound: BandwidthRate,
                            flooredTotal: KibibytesPerSecond) throws(PatchbayError) {
        try batch(BandwidthPlan.floorUnplug(classID: classID, bridge: bridge.value, network: inbound, remaining: flooredTotal))
    }

    /// Removes all of the network's shaping: the redirect, the bridge's HTB, the IFB (and the tc
    /// ingress redirect earlier versions put on the bridge, if one is still there).
    public func removeFromNetwork(bridge: InterfaceName) throws(PatchbayError) {
        try redirect.remove(bridge: bridge)
        try unshape(bridge, outboundDevice: nil)
    }

    /// Removes what of the network's shaping outlives its bridge (the redirect's nftables table),
    /// for a bridge that is already gone.
    public func removeNetworkLeftovers(bridge: InterfaceName) throws(PatchbayError) {
        try redirect.remove(bridge: bridge)
    }

    /// Whether everything `bandwidth` needs is in place on `bridge`: the HTB root for inbound; the
    /// IFB with its HTB and the redirect for outbound.
    public func isInstalledOnNetwork(_ bandwidth: Bandwidth, bridge: InterfaceName) throws(PatchbayError) -> Bool {
        if bandwidth.inbound?.average != nil, !(try installed(on: bridge).root) { return false }
        if bandwidth.outbound?.average != nil {
            guard try ifbShapes(bridge), try redirect.isInstalled(bridge: bridge) else { return false }
        }
        return true
    }
}
