import NetConf
import NetCore
import Netlink

/// Where a guest NIC's tap is attached on the host.
public enum NICAttachmentTarget: Sendable, Hashable {
    /// A bridge port: a Patchbay network's bridge, or a host bridge (`type='bridge'`).
    case bridge(InterfaceName)
    /// A "direct" attachment: a macvlan on `lower` in `mode`, carrying the guest's MAC, joined to
    /// the tap by tc mirred redirects both ways (DESIGN.md: behaves like macvtap, stays movable).
    case direct(lower: InterfaceName, mode: NetworkPortPlug.DirectMode)
}

/// One attachment of one tap, as planned before anything exists: what `prepare` creates, what
/// `connect` points the tap at, what `release` removes. Recorded in the NIC's ledger before the
/// kernel changes, so that a crash at any point can be undone from it.
public struct NICAttachment: Sendable, Hashable {
    /// The guest's tap (never changes for the guest's life).
    public var tap: InterfaceName
    /// The guest's MAC.
    public var mac: MACAddress
    /// Where the tap goes.
    public var target: NICAttachmentTarget
    /// The host-side macvlan of a direct attachment.
    public var macvlan: InterfaceName?
    /// The lower device's own MAC before a passthru attachment rewrote it (restored on release).
    public var originalLowerMAC: MACAddress?

    /// An attachment.
    public init(tap: InterfaceName, mac: MACAddress, target: NICAttachmentTarget,
                macvlan: InterfaceName? = nil, originalLowerMAC: MACAddress? = nil) {
        self.tap = tap
        self.mac = mac
        self.target = target
        self.macvlan = macvlan
        self.originalLowerMAC = originalLowerMAC
    }

    /// The lower device of a direct attachment.
    public var lowerDevice: InterfaceName? {
        if case .direct(let lower, _) = target { return lower }
        return nil
    }

    /// Whether `self` and `other` cannot exist at once: two macvlans with the same MAC on one
    /// lower device (the kernel refuses the second, and passthru allows only one). Such a move
    /// must leave the old attachment before making the new one.
    public func conflicts(with other: NICAttachment) -> Bool {
        guard let lower = lowerDevice, let otherLower = other.lowerDevice else { return false }
        return lower == otherLower
    }

    /// `key value` lines for a ledger file.
    public var ledgerLines: [String] {
        var lines = ["tap \(tap)", "mac \(mac)"]
        switch target {
        case .bridge(let bridge): lines.append("bridge \(bridge)")
        case .direct(let lower, let mode): lines.append("direct \(lower) \(mode.rawValue)")
        }
        if let macvlan { lines.append("macvlan \(macvlan)") }
        if let originalLowerMAC { lines.append("original-lower-mac \(originalLowerMAC)") }
        return lines
    }

    /// Reads `ledgerLines` back (the pairs already split at the first space).
    public init(ledger pairs: [(key: String, value: String)]) throws(PatchbayError) {
        func value(_ key: String) -> String? { pairs.first { $0.key == key }?.value }
        guard let tapText = value("tap"), let macText = value("mac") else {
            throw .internalError("NIC attachment record without tap or MAC")
        }
        let target: NICAttachmentTarget
        if let bridge = value("bridge") {
            target = .bridge(try InterfaceName(bridge))
        } else if let direct = value("direct") {
            let parts = direct.split(separator: " ").map(String.init)
            guard parts.count == 2, let mode = NetworkPortPlug.DirectMode(rawValue: parts[1]) else {
                throw .internalError("NIC attachment record with a malformed direct target '\(direct)'")
            }
            target = .direct(lower: try InterfaceName(parts[0]), mode: mode)
        } else {
            throw .internalError("NIC attachment record without a target")
        }
        self.init(tap: try InterfaceName(tapText), mac: try MACAddress(macText), target: target,
                  macvlan: try value("macvlan").map { t throws(PatchbayError) in try InterfaceName(t) },
                  originalLowerMAC: try value("original-lower-mac").map { t throws(PatchbayError) in try MACAddress(t) })
    }
}

/// What the guest driver needs from the host to wire one guest NIC's tap: attach it to a bridge
/// or a direct (macvlan) attachment, leave it attached to nothing, shape it, and read back from
/// the kernel that it is where the driver believes.
///
/// A move is `plan` (record) → `prepare` → `connect` → `applyBandwidth` → `verify` → `release`
/// of the old attachment, so the old one is torn down only after the tap carries traffic on the
/// new one (deleting a link costs ~46 ms). Every call is idempotent, so recovery can repeat it.
public protocol GuestNICAttachment: AnyObject, Sendable {
    /// Names what `prepare` will create (the macvlan; for passthru the lower device's current
    /// MAC), reading the kernel but changing nothing, so the ledger can record it first.
    func plan(tap: InterfaceName, mac: MACAddress, target: NICAttachmentTarget, replacing current: NICAttachment?) throws(PatchbayError) -> NICAttachment

    /// Creates the attachment's own host objects (direct: the macvlan, up, no IPv6; bridge: checks
    /// the bridge exists). The tap is not touched.
    func prepare(_ attachment: NICAttachment) throws(PatchbayError)

    /// Points the tap at `attachment`, leaving whatever it was attached to; the tap is up. For a
    /// direct attachment that is the mirred redirects both ways (tap → macvlan, macvlan → tap).
    func connect(_ attachment: NICAttachment) throws(PatchbayError)

    /// Leaves `tap` attached to nothing: no master, no Patchbay qdiscs or filters, and down (an
    /// up tap outside a bridge would hand the guest's frames to the host's own IP stack).
    func disconnect(tap: InterfaceName) throws(PatchbayError)

    /// Removes what `prepare` created, in the safe order (the macvlan, then a passthru device's
    /// MAC). The tap must already point elsewhere. Nothing left is fine.
    func release(_ attachment: NICAttachment) throws(PatchbayError)

    /// The NIC's bandwidth on the attachment's devices: inbound as HTB on the tap; outbound
    /// through an IFB (bridge) or as HTB on the macvlan's egress (direct). nil removes it.
    func applyBandwidth(_ bandwidth: Bandwidth?, to attachment: NICAttachment) throws(PatchbayError)

    /// Reads back from the kernel that `tap` is attached as `attachment` says (nil: to nothing),
    /// with `bandwidth`; throws naming the first difference.
    func verify(tap: InterfaceName, _ attachment: NICAttachment?, bandwidth: Bandwidth?) throws(PatchbayError)

    /// Tells the guest behind the tap which MAC owns each of the host's addresses on the
    /// attachment's bridge (gratuitous ARP, unsolicited NA; `NeighbourAnnouncement`), out of the
    /// tap only, now and again shortly after without blocking (the guest may still be bringing
    /// its link up). A guest moved from another bridge otherwise keeps that bridge's MAC for the
    /// same gateway address until its entry times out. Nothing to do for direct attachments.
    /// Returns how many addresses were announced.
    @discardableResult
    func announce(_ attachment: NICAttachment) throws(PatchbayError) -> Int
}
