/// Which kernel objects belong to Patchbay itself and are therefore outside any host-interface
/// transaction: a rollback never touches them, whoever changed what around them.
///
/// A link is Patchbay's when its name is one of the running networks' bridges, when its name
/// starts with one of Patchbay's device prefixes (guest taps, direct-mode macvlans, IFBs), when it
/// sits in a non-zero device group (every network puts its devices in its own group), or when its
/// master is Patchbay's (a guest tap plugged into a network's bridge). Taps (`tun` links) are
/// always out of scope: each belongs to the process holding its descriptor (a guest's QEMU, a
/// VPN), so a rollback can neither re-create nor sensibly delete one.
public struct InterfaceOwnership: Sendable, Equatable {
    /// Names owned outright (the networks' bridges).
    public var names: Set<String>
    /// Name prefixes of devices Patchbay creates.
    public var prefixes: [String]

    /// Prefixes of the devices HostNet and the guest driver create: guest taps (`vnet`, and libvirt's
    /// generated `macvtap`/`macvlan` names), direct-mode macvlans (`pbmv`, `pbmw`), IFBs (`pbifb`).
    public static let devicePrefixes = ["vnet", "macvtap", "macvlan", "pbmv", "pbmw", "pbifb"]

    /// Link kinds never in a rollback's scope.
    public static let ownedKinds: Set<String> = ["tun"]

    /// Ownership of `names` plus the device prefixes.
    public init(names: Set<String> = [], prefixes: [String] = InterfaceOwnership.devicePrefixes) {
        self.names = names
        self.prefixes = prefixes
    }

    /// Whether the link `name` of `kind` in device group `group`, whose master is `master`, is out of scope.
    public func owns(name: String, group: UInt32, master: String?, kind: String? = nil) -> Bool {
        if group != 0 || names.contains(name) { return true }
        if let kind, Self.ownedKinds.contains(kind) { return true }
        if prefixes.contains(where: { name.hasPrefix($0) }) { return true }
        if let master, names.contains(master) || prefixes.contains(where: { master.hasPrefix($0) }) { return true }
        return false
    }
}
