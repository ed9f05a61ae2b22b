import NetConf
import NetCore
import Netlink

/// A network's own `<bandwidth>` at its bridge, and its ports' floors.
///
/// inbound = traffic entering the network (bridge egress, HTB tree of `NetworkShapingPlan`);
/// outbound = traffic leaving it (everything the bridge receives, handed to an IFB by
/// `BridgeOutboundRedirect` and shaped there by one HTB: one limit shared by all the guests, and
/// NATed traffic keeps its conntrack entry, which tc's mirred would drop).
public struct NetworkShaping: Sendable {
    /// One port's guaranteed minimum.
    public struct Floor: Sendable, Equatable {
        /// The port's class number on the bridge (libvirt's `classID`).
        public var classID: UInt32
        /// The guaranteed rate.
        public var floor: KibibytesPerSecond
        /// The port's MAC, which selects its traffic.
        public var mac: MACAddress

        /// Creates a floor.
        public init(classID: UInt32, floor: KibibytesPerSecond, mac: MACAddress) {
            self.classID = classID
            self.floor = floor
            self.mac = mac
        }
    }

    private let trafficControl: TrafficControl
    private let redirect: BridgeOutboundRedirect

    /// Shaping in the given namespace.
    public init(namespace: String? = nil) throws(PatchbayError) {
        trafficControl = try TrafficControl(namespace: namespace)
        redirect = BridgeOutboundRedirect(namespace: namespace)
    }

    /// Installs the network's shaping and the floors of its current ports, replacing what was there.
    /// The IFB of the outbound shaping joins device group `group` when given (the network's group,
    /// so stopping the network removes it with the bridge in one request).
    public func apply(_ bandwidth: Bandwidth, bridge: InterfaceName, floors: [Floor] = [], group: UInt32? = nil) throws(PatchbayError) {
        try remove(bridge: bridge)
        do {
            if let outbound = bandwidth.outbound, outbound.average != nil {
                let ifb = try trafficControl.shapeThroughIFB(for: bridge, rate: outbound, group: group)
                try redirect.apply(bridge: bridge, ifb: ifb)
            }
            guard let inbound = bandwidth.inbound, inbound.average != nil else { return }
            let total = floors.reduce(UInt64(0)) { $0 + $1.floor.bytesPerSecond }
            var lines = NetworkShapingPlan.bridgeRoot(bridge: bridge.value, inbound: inbound, flooredTotal: total)
            for floor in floors {
                lines += NetworkShapingPlan.portFloor(bridge: bridge.value, classID: floor.classID, floor: floor.floor,
                                                      network: inbound, mac: floor.mac)
            }
            try trafficControl.batch(lines)
        } catch {
            try? remove(bridge: bridge)
            throw error
        }
    }

    /// Adds one port's floor to a running network (the network's inbound average must hold it:
    /// admission is the driver's job).
    public func plug(_ floor: Floor, bridge: InterfaceName, network inbound: BandwidthRate, flooredTotal: UInt64) throws(PatchbayError) {
        try trafficControl.batch(NetworkShapingPlan.portFloor(bridge: bridge.value, classID: floor.classID, floor: floor.floor,
                                                              network: inbound, mac: floor.mac)
            + NetworkShapingPlan.resizeUnguaranteed(bridge: bridge.value, inbound: inbound,
                                                    flooredTotal: flooredTotal + floor.floor.bytesPerSecond))
    }

    /// Removes one port's floor.
    public func unplug(classID: UInt32, bridge: InterfaceName, network inbound: BandwidthRate, flooredTotal: UInt64) throws(PatchbayError) {
        try trafficControl.batch(NetworkShapingPlan.portFloorRemoval(bridge: bridge.value, classID: classID)
            + NetworkShapingPlan.resizeUnguaranteed(bridge: bridge.value, inbound: inbound, flooredTotal: flooredTotal))
    }

    /// Removes all of the network's shaping: the redirect, the bridge's HTB, the IFB (and the tc
    /// ingress redirect earlier versions put on the bridge, if one is still there).
    public func remove(bridge: InterfaceName) throws(PatchbayError) {
        try redirect.remove(bridge: bridge)
        try trafficControl.remove(from: bridge)
    }

    /// Removes what of the network's shaping outlives its bridge (the redirect's nftables table),
    /// for a bridge that is already gone.
    public func removeLeftovers(bridge: InterfaceName) throws(PatchbayError) {
        try redirect.remove(bridge: bridge)
    }

    /// Whether everything `bandwidth` needs is in place on `bridge`: the HTB root for inbound; the
    /// IFB with its HTB and the redirect for outbound.
    public func isInstalled(_ bandwidth: Bandwidth, bridge: InterfaceName) throws(PatchbayError) -> Bool {
        if bandwidth.inbound?.average != nil, !(try trafficControl.installed(on: bridge).root) { return false }
        if bandwidth.outbound?.average != nil {
            guard try trafficControl.ifbShapes(bridge), try redirect.isInstalled(bridge: bridge) else { return false }
        }
        return true
    }
}
