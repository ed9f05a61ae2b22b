/// Which libvirt daemon a socket stands in for: it decides the procedures answered there.
public enum DaemonService: String, Sendable, CaseIterable {
    /// virtnetworkd: networks and ports (the real driver).
    case network
    /// virtinterfaced: host interfaces (empty until the interface driver exists).
    case interface
    /// virtnodedevd: node devices (empty until the node device driver exists).
    case nodeDevice = "nodedev"
    /// virtqemud: guests (only when the daemon has a guest driver).
    case qemu

    /// The daemon name libvirt's clients derive the socket from (`virt<driver>d`).
    public var daemonName: String { "virt\(rawValue)d" }
}

/// One listening socket: a service, read-write or read-only.
public struct SocketRole: Sendable, Hashable {
    /// The service answered on it.
    public var service: DaemonService
    /// The `-ro` twin: every mutating call is refused with VIR_ERR_OPERATION_DENIED.
    public var readOnly: Bool

    public init(service: DaemonService, readOnly: Bool) {
        self.service = service
        self.readOnly = readOnly
    }

    /// The file name libvirt clients open, e.g. `virtnetworkd-sock-ro`.
    public var fileName: String { service.daemonName + (readOnly ? "-sock-ro" : "-sock") }

    /// Permissions: the read-write socket is root's only (as libvirt's), the read-only one
    /// is reachable by anyone, who is then refused clearly by the daemon unless root.
    public var mode: UInt32 { readOnly ? 0o666 : 0o600 }

    /// Every socket of every service, read-write first (the qemu pair only binds with a guest driver).
    public static let all: [SocketRole] = DaemonService.allCases.flatMap {
        [SocketRole(service: $0, readOnly: false), SocketRole(service: $0, readOnly: true)]
    }
}
