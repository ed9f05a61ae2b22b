import NetCore

/// Something that happened to a network or a port, for management applications to build policy on.
public enum NetworkEvent: Sendable, Equatable {
    /// libvirt's network lifecycle events (`VIR_NETWORK_EVENT_*`, same numbering).
    public enum Lifecycle: Int32, Sendable {
        /// Defined (persistent definition stored).
        case defined = 0
        /// Undefined (persistent definition removed).
        case undefined = 1
        /// Started.
        case started = 2
        /// Stopped.
        case stopped = 3
    }

    /// Patchbay's port events (libvirt has none).
    public enum PortChange: Int32, Sendable {
        /// A port was created.
        case created = 0
        /// A port was deleted.
        case deleted = 1
        /// A port's bandwidth changed.
        case bandwidthChanged = 2
    }

    /// A network's lifecycle changed.
    case lifecycle(network: String, uuid: LibvirtUUID, change: Lifecycle)
    /// A port changed.
    case port(network: String, networkUUID: LibvirtUUID, port: LibvirtUUID, change: PortChange)
}
