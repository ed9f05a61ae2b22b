import HostOS
import NetConf
import NetCore
import Netlink

/// `GuestNICAttachment` on the real kernel: rtnetlink for links and qdiscs; direct targets are
/// `DirectAttachment`'s macvlan and mirred redirects, in the order a move needs.
public final class LinuxGuestNICAttachment: GuestNICAttachment {
    /// Network namespace file to work in; nil for the caller's.
    public let namespace: String?
    let links: Rtnetlink
    private let shaper: BandwidthShaper
    private let direct: DirectAttachment

    /// An attacher for the given namespace.
    public init(namespace: String? = nil) throws(PatchbayError) {
        self.namespace = namespace
        links = try Rtnetlink(in: namespace)
        shaper = try BandwidthShaper(namespace: namespace)
        direct = try DirectAttachment(namespace: namespace)
    }

    private func existing(_ name: InterfaceName, for tap: InterfaceName) throws(PatchbayError) -> LinkInfo {
        guard let link = try links.link(named: name) else {
            throw PatchbayError(.systemError, "Unable to attach '\(tap)' to '\(name)': no such interface '\(name)'")
        }
        return link
    }

    public func plan(tap: InterfaceName, mac: MACAddress, target: NICAttachmentTarget,
                     replacing current: NICAttachment?) throws(PatchbayError) -> NICAttachment {
        _ = try existing(tap, for: tap)
        switch target {
        case .bridge:
            return NICAttachment(tap: tap, mac: mac, target: target)
        case .direct(let lower, let mode):
            let lowerLink = try existing(lower, for: tap)
            // Two name slots per tap, so a direct→direct move builds the new macvlan while the
            // old one still carries the guest's traffic.
            let slots = [try direct.macvlanName(for: tap), try direct.macvlanName(for: tap, slot: 1)]
            let name = slots.first { $0 != current?.macvlan } ?? slots[0]
            let original = mode == .passthrough ? (current?.lowerDevice == lower ? current?.originalLowerMAC : nil) ?? lowerLink.mac : nil
            return NICAttachment(tap: tap, mac: mac, target: target, macvlan: name, originalLowerMAC: original)
        }
    }

    public func prepare(_ attachment: NICAttachment) throws(PatchbayError) {
        switch attachment.target {
        case .bridge(let bridge):
            _ = try existing(bridge, for: attachment.tap)
        case .direct(let lower, let plugMode):
            let mode = MacvlanMode(plugMode)
            guard let macvlan = attachment.macvlan else { throw .internalError("direct attachment of '\(attachment.tap)' without a macvlan") }
            try direct.createMacvlan(macvlan, for: attachment.tap, on: lower, mode: mode, mac: attachment.mac)
        }
    }

    public func connect(_ attachment: NICAttachment) throws(PatchbayError) {
        let tap = attachment.tap
        switch attachment.target {
        case .bridge(let bridge):
            let bridgeLink = try existing(bridge, for: tap)
            let tapLink = try existing(tap, for: tap)
            // Leaving a direct attachment: its filter first (a leftover filter black-holes the guest).
            if tapLink.masterIndex == nil || tapLink.masterIndex == 0 { try clearQdiscs(tap) }
            // Setting a new master moves the port from its old bridge in one request.
            if tapLink.masterIndex != bridgeLink.index { try links.setLink(tap, masterIndex: bridgeLink.index) }
        case .direct:
            guard let macvlan = attachment.macvlan else { throw .internalError("direct attachment of '\(tap)' without a macvlan") }
            let tapLink = try existing(tap, for: tap)
            if let master = tapLink.masterIndex, master != 0 { try links.setLink(tap, masterIndex: 0) }
            try clearQdiscs(tap)
            // The macvlan's half is made here rather than in `prepare`: one tc process for both.
            try direct.redirect(tap: tap, macvlan: macvlan)
        }
        try links.setLink(tap, up: true)
    }

    /// Removes the tap's root and ingress qdiscs (with their filters), ingress first.
    private func clearQdiscs(_ tap: InterfaceName) throws(PatchbayError) {
        let state = try shaper.installed(on: tap)
        if state.ingress { try links.deleteQdisc(of: tap, at: .ingress) }
        if state.root { try links.deleteQdisc(of: tap, at: .root) }
    }

    public func disconnect(tap: InterfaceName) throws(PatchbayError) {
        guard let tapLink = try links.link(named: tap) else { return }
        try clearQdiscs(tap)
        if let master = tapLink.masterIndex, master != 0 { try links.setLink(tap, masterIndex: 0) }
        // Down as well: an up tap outside any bridge hands the guest's frames to the host's own
        // IP stack, which answers ARP for every host address (measured) — "reaches nothing" would not hold.
        try links.setLink(tap, up: false)
        let ifb = try shaper.ifbName(for: tap)
        if try links.link(named: ifb) != nil { try links.deleteLink(ifb) }
    }

    public func release(_ attachment: NICAttachment) throws(PatchbayError) {
        switch attachment.target {
        case .bridge:
            // The outbound IFB belongs to bridge attachments; a tap that left every bridge no
            // longer feeds it.
            if let tapLink = try links.link(named: attachment.tap), tapLink.masterIndex == nil || tapLink.masterIndex == 0 {
                let ifb = try shaper.ifbName(for: attachment.tap)
                if try links.link(named: ifb) != nil { try links.deleteLink(ifb) }
            }
        case .direct(let lower, _):
            if let macvlan = attachment.macvlan {
                try direct.removeMacvlan(macvlan, lowerDevice: lower, originalLowerMAC: attachment.originalLowerMAC)
            } else if let original = attachment.originalLowerMAC, let lowerLink = try links.link(named: lower), lowerLink.mac != original {
                try links.setLink(lower, mac: original)
            }
        }
    }

    public func applyBandwidth(_ bandwidth: Bandwidth?, to attachment: NICAttachment) throws(PatchbayError) {
        guard let bandwidth, bandwidth.inbound?.average != nil || bandwidth.outbound?.average != nil else {
            try removeBandwidth(attachment)
            return
        }
        try shaper.apply(bandwidth, to: Self.shaped(attachment))
    }

    /// Where the attachment's bandwidth goes (HostNet's QoS naming).
    static func shaped(_ attachment: NICAttachment) -> ShapedNIC {
        if let macvlan = attachment.macvlan { return .direct(tap: attachment.tap, macvlan: macvlan) }
        return .tap(attachment.tap)
    }

    private func removeBandwidth(_ attachment: NICAttachment) throws(PatchbayError) {
        switch attachment.target {
        case .bridge:
            try shaper.remove(from: .tap(attachment.tap))
        case .direct:
            // Only the shapers: the tap's ingress qdisc carries the attachment's redirect.
            if try links.qdiscKind(of: attachment.tap, at: .root) == "htb" { try links.deleteQdisc(of: attachment.tap, at: .root) }
            if let macvlan = attachment.macvlan, try links.qdiscKind(of: macvlan, at: .root) == "htb" {
                try links.deleteQdisc(of: macvlan, at: .root)
            }
        }
    }

    public func verify(tap: InterfaceName, _ attachment: NICAttachment?, bandwidth: Bandwidth?) throws(PatchbayError) {
        guard let tapLink = try links.link(named: tap) else { throw mismatch(tap, "the tap does not exist") }
        let master = tapLink.masterIndex ?? 0
        guard let attachment else {
            if master != 0 { throw mismatch(tap, "attached to nothing, but it is a bridge port") }
            if tapLink.isUp { throw mismatch(tap, "attached to nothing, but it is up (the host would answer the guest)") }
            if try shaper.installed(on: tap).ingress { throw mismatch(tap, "attached to nothing, but it has an ingress redirect") }
            return
        }
        switch attachment.target {
        case .bridge(let bridge):
            guard let bridgeLink = try links.link(named: bridge) else { throw mismatch(tap, "bridge '\(bridge)' does not exist") }
            if master != bridgeLink.index { throw mismatch(tap, "not a port of bridge '\(bridge)'") }
        case .direct(let lower, let plugMode):
            let mode = MacvlanMode(plugMode)
            if master != 0 { throw mismatch(tap, "a bridge port, but it should be attached directly to '\(lower)'") }
            guard let macvlanName = attachment.macvlan, let macvlan = try links.link(named: macvlanName) else {
                throw mismatch(tap, "its macvlan does not exist")
            }
            guard let lowerLink = try links.link(named: lower) else { throw mismatch(tap, "device '\(lower)' does not exist") }
            if macvlan.kind != "macvlan" || macvlan.lowerIndex != lowerLink.index { throw mismatch(tap, "macvlan '\(macvlanName)' is not on '\(lower)'") }
            if macvlan.macvlanMode != mode.kernelValue { throw mismatch(tap, "macvlan '\(macvlanName)' is not in \(mode.rawValue) mode") }
            if macvlan.mac != attachment.mac { throw mismatch(tap, "macvlan '\(macvlanName)' does not carry the guest's MAC") }
            if try !shaper.installed(on: macvlanName).ingress { throw mismatch(tap, "macvlan '\(macvlanName)' does not redirect to the tap") }
            let filters = try HostCommand.run(BandwidthShaper.tc, ["filter", "show", "dev", tap.value, "ingress"], namespace: namespace).output
            if !filters.contains("device \(macvlanName))") { throw mismatch(tap, "its traffic is not redirected to '\(macvlanName)'") }
        }
        let inbound = bandwidth?.inbound?.average != nil
        let outbound = bandwidth?.outbound?.average != nil
        if try shaper.installed(on: tap).root != inbound { throw mismatch(tap, "inbound shaping is \(inbound ? "missing" : "left over")") }
        let outboundShaped: Bool
        if let macvlan = attachment.macvlan {
            outboundShaped = try shaper.installed(on: macvlan).root
        } else {
            outboundShaped = try shaper.ifbShapes(tap)
        }
        if outboundShaped != outbound { throw mismatch(tap, "outbound shaping is \(outbound ? "missing" : "left over")") }
    }

    private func mismatch(_ tap: InterfaceName, _ detail: String) -> PatchbayError {
        PatchbayError(.operationFailed, "guest NIC tap '\(tap)' is not wired as recorded: \(detail)", domain: .domain)
    }
}

extension MacvlanMode {
    /// The kernel mode for a port plug's direct mode (libvirt says passthrough, the kernel passthru).
    init(_ mode: NetworkPortPlug.DirectMode) {
        switch mode {
        case .vepa: self = .vepa
        case .private: self = .private
        case .bridge: self = .bridge
        case .passthrough: self = .passthru
        }
    }
}
