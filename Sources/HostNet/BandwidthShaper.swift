import HostOS
import NetConf
import NetCore
import Netlink

/// Where a guest NIC's bandwidth is put, which depends on how the NIC is attached.
public enum ShapedNIC: Sendable, Equatable {
    /// A tap on a bridge (or on nothing yet): inbound on the tap's egress; outbound on an IFB that
    /// the tap's ingress is redirected to.
    case tap(InterfaceName)
    /// A tap joined to a macvlan (`DirectAttachment`): inbound on the tap's egress; outbound on
    /// the macvlan's egress (an IFB redirect on the tap would black-hole guest→LAN traffic here).
    case direct(tap: InterfaceName, macvlan: InterfaceName)

    /// The guest's tap.
    public var tap: InterfaceName {
        switch self {
        case .tap(let tap), .direct(let tap, _): tap
        }
    }

    /// The device whose egress carries outbound traffic; nil when that is an IFB.
    var outboundDevice: InterfaceName? {
        if case .direct(_, let macvlan) = self { return macvlan }
        return nil
    }
}

/// Puts bandwidth plans (`BandwidthPlan`) on devices and takes them off again, whichever device:
/// a NIC's tap or macvlan (`apply(_:to:)`, `remove(from:)`), a network's bridge with its ports'
/// floors (`applyToNetwork`, `plugFloor`, …, in `BandwidthShaper+Network`), and the IFBs both use.
///
/// qdiscs, classes and the IFB go over rtnetlink; filters with actions and the bridge's tree go
/// through one `tc -batch` process each. Links are never made by spawning `ip`. Every operation
/// either completes or leaves nothing of itself behind.
public struct BandwidthShaper: Sendable {
    /// The tc binary.
    public static let tc = "/usr/sbin/tc"

    /// Network namespace file to work in; nil for the caller's.
    public let namespace: String?
    let links: Rtnetlink
    let redirect: BridgeOutboundRedirect

    /// A shaper for the given namespace.
    public init(namespace: String? = nil) throws(PatchbayError) {
        self.namespace = namespace
        links = try Rtnetlink(in: namespace)
        redirect = BridgeOutboundRedirect(namespace: namespace)
    }

    // MARK: a guest NIC

    /// Shapes a NIC: traffic towards the guest (inbound) on the tap's egress, traffic from the guest
    /// (outbound) where `nic` says. What Patchbay had installed on it before is replaced; on failure
    /// nothing of it is left behind. A NIC's `floor` is not a device setting: it is its port's share
    /// of the network's bridge (`plugFloor`), which the network driver grants with the port.
    /// The IFB joins device group `group` when given, so its owner can remove it in one request.
    public func apply(_ bandwidth: Bandwidth, to nic: ShapedNIC, group: UInt32? = nil) throws(PatchbayError) {
        try remove(from: nic)
        do {
            var redirectLines: [String] = []
            if let inbound = bandwidth.inbound, inbound.average != nil {
                try shapeEgress(of: nic.tap, rate: inbound)
            }
            if let outbound = bandwidth.outbound, outbound.average != nil {
                if let outboundDevice = nic.outboundDevice {
                    try shapeEgress(of: outboundDevice, rate: outbound)
                } else {
                    let ifb = try shapeThroughIFB(for: nic.tap, rate: outbound, group: group)
                    redirectLines = BandwidthPlan.ingressRedirect(device: nic.tap.value, to: ifb.value)
                }
            }
            // Filters with actions stay with tc (one process); qdiscs and classes went over netlink.
            try batch(redirectLines)
        } catch {
            try? remove(from: nic)
            throw error
        }
    }

    /// Removes the shaping Patchbay put on a NIC: the tap's root HTB, and either its ingress
    /// redirect and IFB, or (direct attachments) the HTB on the macvlan, whose ingress redirect
    /// belongs to the attachment and is left alone. Done over netlink: no process is spawned.
    public func remove(from nic: ShapedNIC) throws(PatchbayError) {
        try unshape(nic.tap, outboundDevice: nic.outboundDevice)
    }

    // MARK: devices

    /// Removes Patchbay's root HTB from `device`, and either its ingress redirect and IFB, or the
    /// root HTB of `outboundDevice` (the ingress of `device` then belongs to someone else).
    func unshape(_ device: InterfaceName, outboundDevice: InterfaceName?) throws(PatchbayError) {
        let state = try installed(on: device)
        if state.root { try links.deleteQdisc(of: device, at: .root) }
        if let outboundDevice {
            if try installed(on: outboundDevice).root { try links.deleteQdisc(of: outboundDevice, at: .root) }
            return
        }
        if state.ingress { try links.deleteQdisc(of: device, at: .ingress) }
        let ifb = try ifbName(for: device)
        if try links.link(named: ifb) != nil { try links.deleteLink(ifb) }
    }

    /// The IFB device that carries `device`'s outbound traffic: derived from its index so it fits
    /// IFNAMSIZ and stays unique in the namespace.
    public func ifbName(for device: InterfaceName) throws(PatchbayError) -> InterfaceName {
        guard let link = try links.link(named: device) else {
            throw PatchbayError(.systemError, "Unable to set bandwidth on '\(device)': no such interface")
        }
        return try InterfaceName("pbifb\(link.index)")
    }

    /// Creates `device`'s IFB (in device group `group` when given), up, with an HTB shaping to
    /// `rate`; what feeds it is the caller's (a tc redirect for a guest device, nftables for a
    /// network's bridge). Returns the IFB's name.
    public func shapeThroughIFB(for device: InterfaceName, rate: BandwidthRate, group: UInt32? = nil) throws(PatchbayError) -> InterfaceName {
        let ifb = try ifbName(for: device)
        try links.createLink(ifb, kind: .ifb, group: group)
        try links.setLink(ifb, up: true)
        try shapeEgress(of: ifb, rate: rate)
        return ifb
    }

    /// Whether `device`'s IFB exists and carries Patchbay's HTB.
    public func ifbShapes(_ device: InterfaceName) throws(PatchbayError) -> Bool {
        let ifb = try ifbName(for: device)
        guard try links.link(named: ifb) != nil else { return false }
        return try installed(on: ifb).root
    }

    /// HTB root, one class and a fifo leaf on `device`'s egress, over netlink (no process).
    func shapeEgress(of device: InterfaceName, rate: BandwidthRate) throws(PatchbayError) {
        try links.addHTBRoot(on: device)
        try links.addHTBClass(on: device, parent: TrafficControlHandle.make(1, 0), classID: TrafficControlHandle.make(1, 1),
                              rates: BandwidthPlan.htbRates(rate))
        try links.addPacketFIFO(on: device, parent: TrafficControlHandle.make(1, 1), handle: TrafficControlHandle.make(2, 0), limit: 1000)
    }

    /// Which of Patchbay's qdiscs are on `device` now (an HTB root, an ingress qdisc).
    public func installed(on device: InterfaceName) throws(PatchbayError) -> (root: Bool, ingress: Bool) {
        (try links.qdiscKind(of: device, at: .root) == "htb", try links.qdiscKind(of: device, at: .ingress) == "ingress")
    }

    /// Runs tc lines in one process (`tc -batch -`); one tc per step would cost 1–3 ms each.
    public func batch(_ lines: [String]) throws(PatchbayError) {
        guard !lines.isEmpty else { return }
        try HostCommand.run(Self.tc, ["-batch", "-"], input: lines.joined(separator: "\n") + "\n", namespace: namespace)
    }
}
