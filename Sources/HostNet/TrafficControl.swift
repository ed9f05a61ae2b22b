import HostOS
import NetConf
import NetCore
import Netlink

/// Applies and removes `<bandwidth>` on a guest device through `tc -batch` (qdiscs/classes/filters)
/// and rtnetlink (the IFB device). Links are never made by spawning `ip`.
public struct TrafficControl: Sendable {
    /// The tc binary.
    public static let tc = "/usr/sbin/tc"

    /// Network namespace file to work in; nil for the caller's.
    public let namespace: String?
    private let links: Rtnetlink

    /// Creates a controller for the given namespace.
    public init(namespace: String? = nil) throws(PatchbayError) {
        self.namespace = namespace
        links = try Rtnetlink(in: namespace)
    }

    /// The IFB device that carries `device`'s outbound traffic: derived from its index so it fits
    /// IFNAMSIZ and stays unique in the namespace.
    public func ifbName(for device: InterfaceName) throws(PatchbayError) -> InterfaceName {
        guard let link = try links.link(named: device) else {
            throw PatchbayError(.systemError, "Unable to set bandwidth on '\(device)': no such interface")
        }
        return try InterfaceName("pbifb\(link.index)")
    }

    /// Shapes traffic towards the guest (inbound) on `device`'s egress, and traffic from the guest
    /// (outbound) through an IFB (`outboundDevice` nil) or on `outboundDevice`'s egress (the
    /// direct-attachment macvlan). Anything Patchbay had installed before is replaced; on failure
    /// nothing of it is left behind.
    /// The IFB joins device group `group` when given, so a network can be torn down in one request.
    public func apply(_ bandwidth: Bandwidth, on device: InterfaceName, outboundDevice: InterfaceName? = nil,
                      group: UInt32? = nil) throws(PatchbayError) {
        try remove(from: device, outboundDevice: outboundDevice)
        do {
            var redirect: [String] = []
            if let inbound = bandwidth.inbound, inbound.average != nil {
                try shapeEgress(of: device, rate: inbound)
            }
            if let outbound = bandwidth.outbound, outbound.average != nil {
                if let outboundDevice {
                    try shapeEgress(of: outboundDevice, rate: outbound)
                } else {
                    let ifb = try shapeThroughIFB(for: device, rate: outbound, group: group)
                    redirect = TrafficControlPlan.ingressRedirect(device: device.value, ifb: ifb.value)
                }
            }
            // Filters with actions stay with tc (one process); qdiscs and classes went over netlink.
            try batch(redirect)
        } catch {
            try? remove(from: device, outboundDevice: outboundDevice)
            throw error
        }
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
                              rates: TrafficControlPlan.htbRates(rate))
        try links.addPacketFIFO(on: device, parent: TrafficControlHandle.make(1, 1), handle: TrafficControlHandle.make(2, 0), limit: 1000)
    }

    /// Removes the shaping Patchbay put on `device`: its root HTB, and either its ingress redirect
    /// and IFB, or (direct attachments) the HTB on `outboundDevice`, whose ingress redirect belongs
    /// to the attachment and is left alone. Done over netlink: no process is spawned.
    public func remove(from device: InterfaceName, outboundDevice: InterfaceName? = nil) throws(PatchbayError) {
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
