/// Where the daemon listens and keeps its files, and how it watches idle clients.
public struct DaemonConfiguration: Sendable {
    /// Directory of the sockets (`virtnetworkd-sock`, `virtqemud-sock`, ...); libvirt clients look in /run/libvirt.
    public var socketDirectory: String
    /// Persistent definitions (the driver's config directory).
    public var configDirectory: String
    /// Live state (the driver's state directory).
    public var stateDirectory: String
    /// Seconds without traffic before the daemon PINGs a client that asked for keepalive
    /// (libvirt's keepalive_interval).
    public var keepaliveInterval: Int64
    /// Unanswered PINGs after which such a client is dropped (libvirt's keepalive_count).
    public var keepaliveCount: Int
    /// Threads running driver calls, so a slow host operation never stalls the sockets.
    public var workerThreads: Int
    /// The QEMU version virtqemud reports (CONNECT_GET_VERSION, `virsh version`), libvirt's
    /// encoding major * 1,000,000 + minor * 1,000 + micro; 0 when unknown.
    public var hypervisorVersion: UInt64 = 0

    /// Creates a configuration with libvirt's keepalive defaults (5 s, 5 PINGs).
    public init(socketDirectory: String = "/run/libvirt", configDirectory: String = "/etc/patchbay",
                stateDirectory: String = "/run/patchbay", keepaliveInterval: Int64 = 5, keepaliveCount: Int = 5,
                workerThreads: Int = 4) {
        self.socketDirectory = socketDirectory
        self.configDirectory = configDirectory
        self.stateDirectory = stateDirectory
        self.keepaliveInterval = keepaliveInterval
        self.keepaliveCount = keepaliveCount
        self.workerThreads = workerThreads
    }
}
