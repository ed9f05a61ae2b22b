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
    public func macvlanName(for tap: InterfaceName) throws(PatchbayError) -> InterfaceName {
        guard let link = try links.link(named: tap) else {
            throw PatchbayError(.systemError, "Unable to attach '\(tap)': no such interface")
        }
        return try InterfaceName("pbmv\(link.index)")
    }

    /// Joins `tap` to a new macvlan (mode `mode`, MAC `mac`) on `lowerDevice`. On failure every
    /// step already taken is undone.
    public func attach(tap: InterfaceName, to lowerDevice: InterfaceName, mode: MacvlanMode, mac: MACAddress) throws(PatchbayError) -> Binding {
        guard let lower = try links.link(named: lowerDevice) else {
            throw PatchbayError(.systemError, "Unable to attach '\(tap)' to '\(lowerDevice)': no such interface '\(lowerDevice)'")
        }
        let macvlan = try macvlanName(for: tap)
        var binding = Binding(tap: tap, macvlan: macvlan, lowerDevice: lowerDevice, originalLowerMAC: nil)
        try links.createLink(macvlan, kind: .macvlan(lowerIndex: lower.index, mode: mode), mac: mode == .passthru ? nil : mac)
        do {
            if mode == .passthru {
                // Passthru owns the device: its MAC becomes the guest's, and is restored on release.
                binding.originalLowerMAC = lower.mac
                try links.setLink(macvlan, mac: mac)
            }
            // Without this the macvlan would send IPv6 packets of its own with the guest's MAC.
            try links.disableAddressGeneration(macvlan)
            try Sysctl.disableIPv6(on: macvlan, namespace: namespace)
            try links.setLink(macvlan, up: true)
            try shaper.batch(
                BandwidthPlan.ingressRedirect(device: tap.value, to: macvlan.value)
                    + BandwidthPlan.ingressRedirect(device: macvlan.value, to: tap.value))
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
        if try links.link(named: binding.macvlan) != nil {
            try links.deleteLink(binding.macvlan)
        }
        if let original = binding.originalLowerMAC {
            try links.setLink(binding.lowerDevice, mac: original)
        }
    }
}
