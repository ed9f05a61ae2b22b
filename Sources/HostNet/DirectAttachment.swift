import HostOS
import NetCore
import Netlink

/// A "direct" NIC that stays movable: the guest's tap is joined to a macvlan on the pool device by
/// tc mirred redirects in both directions (u32 match-all; this kernel has no matchall classifier).
///
/// The macvlan carries the guest's MAC, so the physical side behaves exactly like macvtap in
/// vepa/private/bridge/passthru mode, while the tap (and QEMU's fd) never changes (DESIGN.md).
public struct DirectAttachment: Sendable {
    /// What `attach` set up, needed to undo it.
    public struct Binding: Sendable, Equatable {
        /// The guest's tap.
        public var tap: InterfaceName
        /// The host-side macvlan on the pool device.
        public var macvlan: InterfaceName
        /// The pool device.
        public var lowerDevice: InterfaceName
        /// The pool device's own MAC before a passthru attachment rewrote it.
        public var originalLowerMAC: MACAddress?
    }

    /// Network namespace file to work in; nil for the caller's.
    public let namespace: String?
    private let links: Rtnetlink
    private let shaper: BandwidthShaper

    /// An attacher for the given namespace.
    public init(namespace: String? = nil) throws(PatchbayError) {
        self.namespace = namespace
        links = try Rtnetlink(in: namespace)
        shaper = try BandwidthShaper(namespace: namespace)
    }

    /// The macvlan name for a tap, derived from the tap's index so it fits IFNAMSIZ and is unique.
    /// `slot` 1 gives the second name a NIC move needs: the new macvlan is built under it while
    /// the old one still carries the guest's traffic.
    public func macvlanName(for tap: InterfaceName, slot: Int = 0) throws(PatchbayError) -> InterfaceName {
        guard let link = try links.link(named: tap) else {
            throw PatchbayError(.systemError, "Unable to attach '\(tap)': no such interface")
        }
        return try InterfaceName("\(slot == 0 ? "pbmv" : "pbmw")\(link.index)")
    }

    /// Joins `tap` to a new macvlan (mode `mode`, MAC `mac`) on `lowerDevice`. On failure every
    /// step already taken is undone.
    public func attach(tap: InterfaceName, to lowerDevice: InterfaceName, mode: MacvlanMode, mac: MACAddress) throws(PatchbayError) -> Binding {
        let macvlan = try macvlanName(for: tap)
        let original = try createMacvlan(macvlan, for: tap, on: lowerDevice, mode: mode, mac: mac)
        let binding = Binding(tap: tap, macvlan: macvlan, lowerDevice: lowerDevice, originalLowerMAC: original)
        do {
            try redirect(tap: tap, macvlan: macvlan)
            try links.setLink(tap, up: true)
        } catch {
            try? detach(binding)
            throw error
        }
        return binding
    }

    /// Undoes `attach` in the safe order: the tap's filters and qdiscs first (a leftover filter
    /// black-holes the guest), then the macvlan, then the pool device's MAC.
    public func detach(_ binding: Binding) throws(PatchbayError) {
        if try links.link(named: binding.tap) != nil {
            try links.deleteQdisc(of: binding.tap, at: .root)
            try links.deleteQdisc(of: binding.tap, at: .ingress)
        }
        try removeMacvlan(binding.macvlan, lowerDevice: binding.lowerDevice, originalLowerMAC: binding.originalLowerMAC)
    }

    // MARK: the steps, for callers that order them themselves (a NIC move)

    /// Creates the up macvlan `name` on `lowerDevice` with the guest's MAC, replacing a leftover of
    /// an interrupted attempt; returns the pool device's MAC before a passthru rewrote it (nil for
    /// other modes). On failure nothing of it is left.
    @discardableResult
    public func createMacvlan(_ name: InterfaceName, for tap: InterfaceName, on lowerDevice: InterfaceName,
                              mode: MacvlanMode, mac: MACAddress) throws(PatchbayError) -> MACAddress? {
        guard let lower = try links.link(named: lowerDevice) else {
            throw PatchbayError(.systemError, "Unable to attach '\(tap)' to '\(lowerDevice)': no such interface '\(lowerDevice)'")
        }
        if try links.link(named: name) != nil { try links.deleteLink(name) }
        try links.createLink(name, kind: .macvlan(lowerIndex: lower.index, mode: mode), mac: mode == .passthru ? nil : mac)
        let original = mode == .passthru ? lower.mac : nil
        do {
            // Passthru owns the device: its MAC becomes the guest's, and is restored on release.
            if mode == .passthru { try links.setLink(name, mac: mac) }
            // Without this the macvlan would send IPv6 packets of its own with the guest's MAC.
            try links.disableAddressGeneration(name)
            try Sysctl.disableIPv6(on: name, namespace: namespace)
            try links.setLink(name, up: true)
        } catch {
            try? removeMacvlan(name, lowerDevice: lowerDevice, originalLowerMAC: original)
            throw error
        }
        return original
    }

    /// Redirects the tap's frames to the macvlan and back, in one tc process (a process costs
    /// 1–3 ms); the macvlan's half is skipped when it is already there (a move back to it).
    public func redirect(tap: InterfaceName, macvlan: InterfaceName) throws(PatchbayError) {
        let fromMacvlan = try shaper.installed(on: macvlan).ingress ? [] : BandwidthPlan.ingressRedirect(device: macvlan.value, to: tap.value)
        try shaper.batch(fromMacvlan + BandwidthPlan.ingressRedirect(device: tap.value, to: macvlan.value))
    }

    /// Deletes the macvlan (when it exists) and gives the pool device back `originalLowerMAC`
    /// (when a passthru attachment changed it).
    public func removeMacvlan(_ name: InterfaceName, lowerDevice: InterfaceName, originalLowerMAC: MACAddress?) throws(PatchbayError) {
        if try links.link(named: name) != nil { try links.deleteLink(name) }
        if let original = originalLowerMAC, let lower = try links.link(named: lowerDevice), lower.mac != original {
            try links.setLink(lowerDevice, mac: original)
        }
    }
}
