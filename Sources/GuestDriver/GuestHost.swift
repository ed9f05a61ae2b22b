import HostOS
import NetCore

/// A QEMU process as the driver records it: the pid alone can be reused, the pair
/// (pid, start time from `/proc/PID/stat`) cannot.
public typealias QEMUProcessID = ProcessIdentity

/// A tap the driver created for a NIC; QEMU gets `descriptor`. The tap is not persistent: it goes
/// when the last descriptor (the driver's, then QEMU's) closes, so neither a crash of patchbayd
/// before QEMU runs nor a QEMU death leaves one behind.
public protocol GuestTap: AnyObject, Sendable {
    var tapName: String { get }
    var descriptor: Int32 { get }
}

/// What the QEMU monitor tells the driver without being asked.
public enum GuestMonitorEvent: Sendable, Equatable {
    /// QMP `SHUTDOWN`: the guest powered off (`guest` true) or QEMU was told to quit.
    case shutdown(guest: Bool)
    /// The monitor connection ended (QEMU exited or closed it).
    case closed
}

/// The QEMU monitor (QMP) of one running guest: the few commands the lifecycle needs.
public protocol GuestMonitor: AnyObject, Sendable {
    /// `set_link`: the carrier the guest sees on the NIC with this device id.
    func setLink(alias: String, up: Bool) throws(PatchbayError)
    /// `cont`: run a guest started paused.
    func cont() throws(PatchbayError)
    /// `system_powerdown`: press the ACPI power button.
    func systemPowerdown() throws(PatchbayError)
    /// `query-chardev`: chardev id → host side (`pty:/dev/pts/3`, `file:/path`).
    func chardevs() throws(PatchbayError) -> [String: String]
    func close()
}

/// The host side of running guests: taps, QEMU processes, their monitors. The Linux one
/// (`LinuxGuestHost`) uses HostNet taps, posix_spawn, /proc and QMP; tests use a fake.
public protocol GuestProcessHost: AnyObject, Sendable {
    /// A new tap called `name`, or the first free `vnetN` when nil.
    func createTap(name: String?) throws(PatchbayError) -> GuestTap
    /// Spawns QEMU; `descriptors` maps the child's fd numbers to the driver's descriptors, and
    /// stdout/stderr go to `logFile`. Returns once the process exists.
    func spawnQEMU(executable: String, arguments: [String], descriptors: [Int32: Int32], logFile: String) throws(PatchbayError) -> QEMUProcessID
    /// The process with this pid that QEMU wrote in its pid file, if it runs `executable` with `marker` in its arguments.
    func findQEMU(pidFile: String, marker: String) -> QEMUProcessID?
    /// Whether the process is still the same one and not a zombie (never kill(pid, 0): PID 1 here reaps no orphans).
    func isRunning(_ process: QEMUProcessID) -> Bool
    /// SIGTERM, `grace` seconds, then SIGKILL; reaps it when it is the driver's child. Returns when it is gone.
    func terminate(_ process: QEMUProcessID, grace: Double)
    /// Calls `handler` once, from another thread, when the process has exited.
    func watchExit(_ process: QEMUProcessID, _ handler: @escaping @Sendable () -> Void)
    /// User + system CPU time of the process, nanoseconds.
    func cpuTimeNanoseconds(_ process: QEMUProcessID) -> UInt64
    /// Connects to the QMP socket (waiting up to `timeout` seconds for QEMU to listen).
    func connectMonitor(path: String, timeout: Double, events: @escaping @Sendable (GuestMonitorEvent) -> Void) throws(PatchbayError) -> GuestMonitor
    /// The tap's counters as the host sees them (`/proc/net/dev` of its namespace): received
    /// bytes, packets, errors, drops, then transmitted; nil when there is no such tap.
    func tapCounters(_ tap: String) -> [Int64]?
    /// Whether PCI devices can be assigned (VFIO).
    var hasVFIO: Bool { get }
}
