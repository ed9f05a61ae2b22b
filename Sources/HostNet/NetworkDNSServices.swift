import Glibc
import HostOS
import NetConf
import NetCore

/// The DHCP/DNS service of one network (its dnsmasq): started, reloaded, restarted, stopped, and
/// asked whether it still runs. Every operation either completes or undoes its own partial work.
public protocol NetworkDNSService: Sendable {
    /// Writes the service's files and starts it for `network`; returns its pid.
    func start(_ network: NetworkDefinition) throws(PatchbayError) -> Int32
    /// Re-reads the host lists (SIGHUP) after writing them anew; it must be running.
    func reload(_ network: NetworkDefinition) throws(PatchbayError)
    /// Stops what runs and starts it again with `network`'s configuration; returns the new pid.
    func restart(_ network: NetworkDefinition) throws(PatchbayError) -> Int32
    /// Stops the service, waiting up to `timeoutMilliseconds` for it to exit before killing it
    /// (a missing one is not an error).
    func stop(timeoutMilliseconds: Int) throws(PatchbayError)
    /// Kills `pid` if, and only if, it is this network's service (a crash can leave a recorded
    /// process without its pid file).
    func killIfOurs(_ pid: Int32)
    /// Removes the service's files (its leases too when asked).
    func removeFiles(includingLeases: Bool) throws(PatchbayError)
    /// The pid of the running service; nil when it does not run.
    var runningPID: Int32? { get }
    /// Whether the configuration on disk is what `network` asks for now (if not, a reload is not enough).
    func isConfigured(for network: NetworkDefinition) throws(PatchbayError) -> Bool
}

/// Hands out the DHCP/DNS service of each network. `DnsmasqServices` is the real one; drivers'
/// unit tests use a fake.
public protocol NetworkDNSServices: Sendable {
    /// The service of `network`, keeping its files in `stateDirectory`; throws when the host cannot
    /// run one (no usable dnsmasq), with the reason.
    func service(for network: NetworkDefinition, stateDirectory: String) throws(PatchbayError) -> any NetworkDNSService
}

/// dnsmasq for every network, probed once: a failed probe is reported only when a network needs it.
public struct DnsmasqServices: NetworkDNSServices {
    private let capabilities: Result<DnsmasqCapabilities, PatchbayError>
    private let namespace: String?

    /// Probes `binary` now; dnsmasq processes run in `namespace` (nil = the caller's).
    public init(binary: String = "/usr/sbin/dnsmasq", namespace: String? = nil) {
        self.namespace = namespace
        do {
            capabilities = .success(try DnsmasqCapabilities.probe(binaryPath: binary))
        } catch {
            capabilities = .failure(error)
        }
    }

    public func service(for network: NetworkDefinition, stateDirectory: String) throws(PatchbayError) -> any NetworkDNSService {
        switch capabilities {
        case .success(let capabilities):
            return Dnsmasq(networkName: network.name, stateDirectory: stateDirectory, capabilities: capabilities, namespace: namespace)
        case .failure(let error):
            throw PatchbayError(error.code, "network '\(network.name)' needs dnsmasq: \(error.detail)")
        }
    }
}

extension Dnsmasq: NetworkDNSService {
    public func killIfOurs(_ pid: Int32) {
        if isOurs(pid) { kill(pid, SIGKILL) }
    }

    public var runningPID: Int32? {
        if case .running(let pid) = state { return pid }
        return nil
    }

    public func isConfigured(for network: NetworkDefinition) throws(PatchbayError) -> Bool {
        AtomicFile.readText(paths.configFile) == (try configuration(for: network)).text
    }
}
