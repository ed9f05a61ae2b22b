import NetCore

/// What the daemon asks of the guest driver: libvirt's QEMU-driver calls that virsh and
/// libvirt-python use for guests and their NICs. The daemon decodes, calls one of these, encodes;
/// the driver owns definitions, QEMU processes and NIC wiring.
///
/// Every call is synchronous and may do host work (QEMU, taps, ports); the daemon runs them off
/// the socket loop. Errors carry libvirt's codes and wording (`PatchbayError`, domain `.domain`).
public protocol DomainService: AnyObject, Sendable {
    /// Every domain, defined or transient, in definition order.
    func listDomains() -> [DomainSummary]
    /// libvirt's "no domain with matching name" when there is none.
    func lookup(name: String) throws(PatchbayError) -> DomainSummary
    func lookup(uuid: LibvirtUUID) throws(PatchbayError) -> DomainSummary
    /// Only running domains have an id.
    func lookup(id: Int32) throws(PatchbayError) -> DomainSummary

    /// Stores a persistent definition (new, or replacing the inactive one of the same name+uuid).
    func define(xml: String) throws(PatchbayError) -> DomainSummary
    /// Removes the persistent definition; a running domain becomes transient.
    func undefine(name: String) throws(PatchbayError)
    /// Starts a defined domain (`virsh start`).
    func start(name: String, paused: Bool) throws(PatchbayError) -> DomainSummary
    /// Starts a transient domain from XML (`virsh create`).
    func createTransient(xml: String, paused: Bool) throws(PatchbayError) -> DomainSummary
    /// Kills QEMU at once, releases the domain's ports and taps.
    func destroy(name: String) throws(PatchbayError)
    /// Asks the guest to power off (ACPI power button); returns before it has.
    func shutdown(name: String) throws(PatchbayError)
    func setAutostart(name: String, _ autostart: Bool) throws(PatchbayError)

    /// The definition: live (with runtime details: tap names, aliases, actual ports) or, with
    /// `.inactive`, the persistent one.
    func xml(name: String, flags: DomainXMLFlags) throws(PatchbayError) -> String

    /// libvirt's update-device: for an `<interface>`, the NIC whose MAC (or alias) matches is
    /// brought to the new document's state — link, bandwidth, plug (from `null`), unplug (to
    /// `null`), move to another source of any kind — live, in the config, or both.
    func updateDevice(name: String, xml: String, flags: DomainModificationFlags) throws(PatchbayError)

    /// `domiftune`: the NIC's bandwidth (device: target dev name or MAC).
    func interfaceBandwidth(name: String, device: String, flags: DomainModificationFlags) throws(PatchbayError) -> DomainInterfaceBandwidth
    func setInterfaceBandwidth(name: String, device: String, _ bandwidth: DomainInterfaceBandwidth,
                               flags: DomainModificationFlags) throws(PatchbayError)
    /// `domifstat`: counters of the NIC's tap, from the guest's point of view (libvirt swaps rx/tx).
    func interfaceStats(name: String, device: String) throws(PatchbayError) -> DomainInterfaceStats
    /// `domifaddr --source lease`: addresses the guest got from Patchbay networks' DHCP.
    func interfaceAddresses(name: String, source: DomainInterfaceAddressSource) throws(PatchbayError) -> [DomainInterfaceAddresses]

    /// Events in the order the operations that caused them happened.
    func subscribe() -> (id: Int, events: AsyncStream<DomainEvent>)
    func unsubscribe(_ id: Int)
}

/// libvirt's `virDomainState` (same numbering).
public enum DomainState: Int32, Sendable {
    case noState = 0, running = 1, blocked = 2, paused = 3, shutdown = 4, shutOff = 5, crashed = 6, pmSuspended = 7
}

/// What the list, lookup, info and state calls return about one domain.
public struct DomainSummary: Sendable, Equatable {
    public var name: String
    public var uuid: LibvirtUUID
    /// -1 when not running (libvirt's convention).
    public var id: Int32
    public var state: DomainState
    /// libvirt's state reason for `state` (e.g. VIR_DOMAIN_RUNNING_BOOTED = 1, SHUTOFF_DESTROYED = 2).
    public var reason: Int32
    public var isPersistent: Bool
    public var autostart: Bool
    public var maxMemoryKiB: UInt64
    public var memoryKiB: UInt64
    public var vcpus: UInt16
    /// CPU time used by QEMU, nanoseconds (0 when not running).
    public var cpuTimeNanoseconds: UInt64

    public init(name: String, uuid: LibvirtUUID, id: Int32, state: DomainState, reason: Int32,
                isPersistent: Bool, autostart: Bool, maxMemoryKiB: UInt64, memoryKiB: UInt64,
                vcpus: UInt16, cpuTimeNanoseconds: UInt64) {
        self.name = name
        self.uuid = uuid
        self.id = id
        self.state = state
        self.reason = reason
        self.isPersistent = isPersistent
        self.autostart = autostart
        self.maxMemoryKiB = maxMemoryKiB
        self.memoryKiB = memoryKiB
        self.vcpus = vcpus
        self.cpuTimeNanoseconds = cpuTimeNanoseconds
    }
}

/// `virDomainGetXMLDesc` flags (libvirt's bit values).
public struct DomainXMLFlags: OptionSet, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public static let secure = DomainXMLFlags(rawValue: 1)
    public static let inactive = DomainXMLFlags(rawValue: 2)
    public static let updateCPU = DomainXMLFlags(rawValue: 4)
    public static let migratable = DomainXMLFlags(rawValue: 8)
}

/// `virDomainModificationImpact`: empty means "current" (live if running, else config).
public struct DomainModificationFlags: OptionSet, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public static let live = DomainModificationFlags(rawValue: 1)
    public static let config = DomainModificationFlags(rawValue: 2)
}

/// A NIC's bandwidth as `domiftune` shows it (kbytes/s and KiB, libvirt's units; 0 = unset).
public struct DomainInterfaceBandwidth: Sendable, Equatable {
    public var inboundAverage: UInt64 = 0
    public var inboundPeak: UInt64 = 0
    public var inboundBurst: UInt64 = 0
    public var inboundFloor: UInt64 = 0
    public var outboundAverage: UInt64 = 0
    public var outboundPeak: UInt64 = 0
    public var outboundBurst: UInt64 = 0
    public init() {}
}

/// `virDomainInterfaceStats` counters (-1 = unknown).
public struct DomainInterfaceStats: Sendable, Equatable {
    public var rxBytes: Int64 = -1, rxPackets: Int64 = -1, rxErrors: Int64 = -1, rxDrops: Int64 = -1
    public var txBytes: Int64 = -1, txPackets: Int64 = -1, txErrors: Int64 = -1, txDrops: Int64 = -1
    public init() {}
}

/// `virDomainInterfaceAddressesSource` (libvirt's numbering).
public enum DomainInterfaceAddressSource: UInt32, Sendable {
    case lease = 0, agent = 1, arp = 2
}

/// One NIC's addresses, as `virDomainInterfaceAddresses` returns them.
public struct DomainInterfaceAddresses: Sendable, Equatable {
    public struct Address: Sendable, Equatable {
        /// 0 = IPv4, 1 = IPv6 (VIR_IP_ADDR_TYPE_*).
        public var type: Int32
        public var address: String
        public var prefix: UInt32
        public init(type: Int32, address: String, prefix: UInt32) {
            self.type = type
            self.address = address
            self.prefix = prefix
        }
    }
    /// The NIC's target dev (tap name).
    public var name: String
    public var hardwareAddress: String?
    public var addresses: [Address]
    public init(name: String, hardwareAddress: String?, addresses: [Address]) {
        self.name = name
        self.hardwareAddress = hardwareAddress
        self.addresses = addresses
    }
}

/// Something that happened to a domain.
public enum DomainEvent: Sendable, Equatable {
    /// `VIR_DOMAIN_EVENT_ID_LIFECYCLE`: `event` and `detail` in libvirt's numbering
    /// (DEFINED = 0, UNDEFINED = 1, STARTED = 2, SUSPENDED = 3, RESUMED = 4, STOPPED = 5, SHUTDOWN = 6…).
    case lifecycle(domain: String, uuid: LibvirtUUID, id: Int32, event: Int32, detail: Int32)
    /// `VIR_DOMAIN_EVENT_ID_DEVICE_REMOVED` style notice for a NIC whose wiring changed
    /// (Patchbay: plugged, unplugged, moved), carried by the device alias.
    case nicChanged(domain: String, uuid: LibvirtUUID, id: Int32, alias: String)
}
