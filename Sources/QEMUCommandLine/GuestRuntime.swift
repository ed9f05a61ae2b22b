/// The facts about a running guest that appear in its arguments but not in its definition.
public struct GuestRuntime: Hashable, Sendable {
    /// The domain id (libvirt's short name starts with it).
    public var domainID: Int
    /// The domain name.
    public var domainName: String
    /// The directory of per-guest runtime sockets (passt sockets go to its `passt/` subdirectory).
    public var stateDirectory: String

    public init(domainID: Int, domainName: String, stateDirectory: String) {
        self.domainID = domainID
        self.domainName = domainName
        self.stateDirectory = stateDirectory
    }

    /// libvirt's short domain name: id, dash, the first 20 characters of the name.
    public var shortName: String { "\(domainID)-\(String(domainName.prefix(20)))" }
}

/// Which descriptor QEMU is handed for a device: the caller owns them (Patchbay creates the tap
/// and opens the vhost-net and vDPA devices) and says by which number or name QEMU knows them.
public enum QEMUDescriptor: Hashable, Sendable {
    /// The tap of the NIC with this alias (queue index for multiqueue).
    case tap(alias: String, queue: Int)
    /// The vhost-net descriptor of the NIC with this alias.
    case vhost(alias: String, queue: Int)
    /// The opened vDPA character device of the NIC with this alias.
    case vdpa(alias: String)
}
