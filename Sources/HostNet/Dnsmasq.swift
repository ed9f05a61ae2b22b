import CLinuxUAPI
import Glibc
import HostOS
import NetConf
import NetCore

/// The dnsmasq of one network: its files in a state directory and the process that reads them.
///
/// Like libvirt, dnsmasq is started as a daemon (the launching process exits once the pid file is
/// written, so startup errors arrive as its exit status and standard error) and found again through
/// its pid file. Every signal goes only to the process the pid file names AND whose command line
/// shows this network's configuration file, so a recycled pid never receives it.
public struct Dnsmasq: Sendable {
    /// What the pid file says about the daemon (for the drift report).
    public enum State: Equatable, Sendable {
        /// No pid file: not started, or stopped cleanly.
        case stopped
        /// Running with this pid.
        case running(pid_t)
        /// The pid file names a process that has exited or is not this network's dnsmasq.
        case vanished(pid_t)
    }

    /// The network's files.
    public let paths: DnsmasqPaths
    /// The binary and its version.
    public let capabilities: DnsmasqCapabilities
    /// Network namespace file (`/run/netns/NAME`) to run dnsmasq in; nil for the caller's own.
    public let namespace: String?

    /// The dnsmasq of network `networkName`, keeping its files in `stateDirectory`.
    public init(networkName: String, stateDirectory: String, capabilities: DnsmasqCapabilities,
                namespace: String? = nil) {
        paths = DnsmasqPaths(stateDirectory: stateDirectory, networkName: networkName)
        self.capabilities = capabilities
        self.namespace = namespace
    }

    /// The configuration Patchbay gives this dnsmasq: libvirt's, plus the pid file.
    public func configuration(for network: NetworkDefinition) throws(PatchbayError) -> DnsmasqConfiguration {
        guard network.name == paths.networkName else {
            throw .internalError("dnsmasq of network '\(paths.networkName)' given network '\(network.name)'")
        }
        return try DnsmasqConfiguration(network: network, capabilities: capabilities,
                                        stateDirectory: paths.stateDirectory, pidFile: paths.pidFile)
    }

    /// Writes the configuration file (owner-only, it is read as root) and both host lists.
    public func write(_ configuration: DnsmasqConfiguration) throws(PatchbayError) {
        try AtomicFile.makeDirectory(paths.stateDirectory)
        try AtomicFile.write(configuration.text, to: paths.configFile, mode: 0o600)
        try writeHosts(configuration.hosts)
    }

    /// Writes both host lists; empty lists give empty files so hosts can be added at runtime.
    /// They stay world-readable because dnsmasq re-reads them after dropping root.
    public func writeHosts(_ hosts: DnsmasqHostsFiles) throws(PatchbayError) {
        try AtomicFile.write(hosts.dhcpHostsText ?? "", to: paths.dhcpHostsFile, mode: 0o644)
        try AtomicFile.write(hosts.additionalHostsText, to: paths.additionalHostsFile, mode: 0o644)
    }

    /// Writes the files and starts dnsmasq for `network`; returns its pid.
    @discardableResult
    public func start(_ network: NetworkDefinition) throws(PatchbayError) -> pid_t {
        if case .running(let pid) = state {
            throw PatchbayError(.operationInvalid, "dnsmasq for network '\(paths.networkName)' is already running (pid \(pid))")
        }
        try write(try configuration(for: network))
        // A stale pid file must not be mistaken for the new daemon's.
        try AtomicFile.remove(paths.pidFile)
        // Patchbay keeps the lease database in the state directory instead of libvirt's
        // leases helper script: dnsmasq maintains it itself and it survives restarts.
        let arguments = ["--conf-file=\(paths.configFile)", "--dhcp-leasefile=\(paths.leaseFile)"]
        let outcome = try HostCommand.spawnAndWait(capabilities.binaryPath, arguments, namespace: namespace)
        guard outcome.status == 0 else {
            let detail = outcome.errors.split(separator: "\n").joined(separator: "; ")
            throw .operationFailed("dnsmasq for network '\(paths.networkName)' failed to start (exit status \(outcome.status))\(detail.isEmpty ? "" : ": \(detail)")")
        }
        // The daemon writes its pid file before the launching process exits.
        guard let pid = recordedPID else {
            throw .operationFailed("dnsmasq for network '\(paths.networkName)' started but wrote no pid file '\(paths.pidFile)'")
        }
        guard isOurs(pid) else {
            throw .operationFailed("dnsmasq for network '\(paths.networkName)' exited right after starting (pid \(pid))")
        }
        return pid
    }

    /// Rewrites the host lists of `network` and makes the running dnsmasq re-read them (SIGHUP);
    /// starts it when it is not running, as libvirt does. Other changes need `restart`.
    public func reload(_ network: NetworkDefinition) throws(PatchbayError) {
        guard case .running(let pid) = state else {
            try start(network)
            return
        }
        try writeHosts(try configuration(for: network).hosts)
        guard kill(pid, SIGHUP) == 0 else {
            throw .system("Failed to make dnsmasq (PID: \(pid)) reload config files.", errno: errno)
        }
    }

    /// Stops any running dnsmasq of this network, then starts it with `network`'s configuration.
    @discardableResult
    public func restart(_ network: NetworkDefinition) throws(PatchbayError) -> pid_t {
        try stop()
        return try start(network)
    }

    /// Stops the daemon (SIGTERM, then SIGKILL if it lingers) and removes its pid file. A pid file
    /// naming some other process is removed without signalling anyone. Then every other dnsmasq
    /// reading this network's configuration file is stopped too: a SIGKILL of Patchbay while
    /// dnsmasq daemonizes leaves one that runs before (or without) its pid file, which the pid
    /// file alone would never find again.
    public func stop(timeoutMilliseconds: Int = 5000) throws(PatchbayError) {
        switch state {
        case .stopped:
            break
        case .vanished:
            try AtomicFile.remove(paths.pidFile)
        case .running(let pid):
            try terminate(pid, timeoutMilliseconds: timeoutMilliseconds)
            try AtomicFile.remove(paths.pidFile)
        }
        try stopUnrecorded(timeoutMilliseconds: timeoutMilliseconds)
    }

    /// Every live dnsmasq reading this network's configuration file, found in /proc by its command
    /// line whatever the pid file says (a daemonizing dnsmasq shows as more than one process).
    public var processes: [pid_t] {
        (DirectoryListing.names(in: "/proc") ?? []).compactMap { pid_t($0) }.filter(isOurs)
    }

    /// Stops what `processes` finds, scanning again after each round: a dnsmasq caught between
    /// its forks may start a child after the scan. Bounded, so a process that keeps reappearing
    /// is reported instead of looping for ever.
    private func stopUnrecorded(timeoutMilliseconds: Int) throws(PatchbayError) {
        // One scan of /proc (a few ms for the ~100 processes here) when nothing is left over.
        var found = processes
        var rounds = 0
        while !found.isEmpty && rounds < 20 {
            for pid in found { try terminate(pid, timeoutMilliseconds: timeoutMilliseconds) }
            found = processes
            rounds += 1
        }
        if let pid = found.first {
            throw .operationFailed("dnsmasq (PID: \(pid)) of network '\(paths.networkName)' keeps running after being stopped")
        }
        // A daemon stopped mid-start may have written its pid file after the scan above began.
        if case .vanished = state { try AtomicFile.remove(paths.pidFile) }
    }

    /// SIGTERM, then SIGKILL when `pid` lingers past the timeout.
    private func terminate(_ pid: pid_t, timeoutMilliseconds: Int) throws(PatchbayError) {
        if kill(pid, SIGTERM) != 0 && errno != ESRCH {
            throw .system("Failed to terminate dnsmasq (PID: \(pid))", errno: errno)
        }
        if !waitForExit(pid, milliseconds: timeoutMilliseconds) {
            kill(pid, SIGKILL)
            guard waitForExit(pid, milliseconds: 1000) else {
                throw .operationFailed("dnsmasq (PID: \(pid)) of network '\(paths.networkName)' did not exit after SIGKILL")
            }
        }
    }

    /// Removes the network's dnsmasq files (configuration, host lists, pid file; leases too when asked).
    public func removeFiles(includingLeases: Bool = false) throws(PatchbayError) {
        for path in [paths.configFile, paths.dhcpHostsFile, paths.additionalHostsFile, paths.pidFile] {
            try AtomicFile.remove(path)
        }
        if includingLeases { try AtomicFile.remove(paths.leaseFile) }
    }

    /// Whether this network's dnsmasq runs, according to its pid file and /proc.
    public var state: State {
        guard let pid = recordedPID else { return .stopped }
        return isOurs(pid) ? .running(pid) : .vanished(pid)
    }

    /// The pid in the pid file, if there is a valid one.
    public var recordedPID: pid_t? {
        guard let bytes = AtomicFile.read(paths.pidFile) else { return nil }
        let text = String(decoding: bytes, as: UTF8.self).trimmedWhitespace
        guard let pid = pid_t(text), pid > 0 else { return nil }
        return pid
    }

    /// True when `pid` is alive (not a zombie) and is dnsmasq reading this network's configuration file.
    public func isOurs(_ pid: pid_t) -> Bool {
        guard Self.isAlive(pid), let bytes = AtomicFile.read("/proc/\(pid)/cmdline") else { return false }
        let arguments = bytes.split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
        guard let program = arguments.first, program.hasSuffix("dnsmasq") else { return false }
        return arguments.contains("--conf-file=\(paths.configFile)")
    }

    /// True while `pid` exists and is not a zombie (an exited daemon whose parent has not reaped it).
    static func isAlive(_ pid: pid_t) -> Bool {
        guard let bytes = AtomicFile.read("/proc/\(pid)/stat") else { return false }
        // The state letter follows the command name's closing parenthesis.
        guard let close = bytes.lastIndex(of: UInt8(ascii: ")")), close + 2 < bytes.count else { return false }
        let state = bytes[close + 2]
        return state != UInt8(ascii: "Z") && state != UInt8(ascii: "X")
    }

    private func waitForExit(_ pid: pid_t, milliseconds: Int) -> Bool {
        // A pidfd wakes us the moment dnsmasq exits (a few milliseconds after SIGTERM); polling
        // /proc every 10 ms made every network stop wait for the next tick.
        let exited = pb_wait_for_exit(pid, Int32(clamping: milliseconds))
        var status: Int32 = 0
        // Reaps the process when it happens to be our child (started without daemonizing).
        _ = waitpid(pid, &status, WNOHANG)
        if exited >= 0 { return exited == 1 || !Self.isAlive(pid) }
        var waited = 0
        while waited <= milliseconds {
            _ = waitpid(pid, &status, WNOHANG)
            if !Self.isAlive(pid) { return true }
            usleep(10_000)
            waited += 10
        }
        return false
    }
}

private extension String {
    /// The text without leading and trailing blanks and newlines (HostNet does not import Foundation).
    var trimmedWhitespace: String {
        let blanks: Set<Character> = [" ", "\n", "\t"]
        let start = firstIndex { !blanks.contains($0) } ?? endIndex
        let end = lastIndex { !blanks.contains($0) }.map { index(after: $0) } ?? start
        return start < end ? String(self[start..<end]) : ""
    }
}
