import ArgumentParser
import Dispatch
import Glibc
import GuestDriver
import Logging
import NetCore
import NetDriver
import PatchbayDaemon

/// `patchbayd`: libvirt's network daemons, Patchbay's way. Runs in the foreground, logs to stderr.
@main
struct Patchbayd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "patchbayd",
        abstract: "Serve libvirt's network, interface, node device and QEMU sockets from Patchbay.",
        version: PatchbayVersion.description)

    @Option(help: "Directory of the virtnetworkd/virtinterfaced/virtnodedevd/virtqemud sockets.")
    var socketDir = "/run/libvirt"
    @Option(help: "Directory of persistent network definitions.")
    var configDir = "/etc/patchbay"
    @Option(help: "Directory of live state (running networks, ports, dnsmasq files).")
    var stateDir = "/run/patchbay"
    @Option(help: "Host backend: 'linux' configures the kernel, 'inert' only keeps books (development, protocol tests).")
    var host = HostKind.linux
    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel = "info"
    @Flag(inversion: .prefixedNo, help: "Serve QEMU guests on virtqemud-sock (needs --host linux).")
    var guests = true
    @Option(help: "QEMU for guests whose definition names no <emulator>.")
    var emulator = "/usr/bin/qemu-system-x86_64"
    @Option(help: "Least time a live NIC move keeps the guest's link down, so the guest sees the flap (flushes its neighbours, redoes DHCP). 200 suits slow TCG guests; KVM guests notice a few ms.")
    var linkDownHoldMs: UInt64 = NICWiring.defaultLinkDownHoldMicroseconds / 1000
    @Option(help: "Seconds of client silence before a keepalive PING.")
    var keepaliveInterval: Int64 = 5
    @Option(help: "Unanswered PINGs before a client is dropped.")
    var keepaliveCount = 5

    func run() async throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "patchbayd")
        // Before anything is bound: a stop sent as soon as the sockets exist must be a clean one.
        guard let shutdown = ShutdownSignal.arm([SIGTERM, SIGINT]) else {
            logger.critical("cannot catch SIGTERM/SIGINT (no pipe)")
            throw ExitCode(1)
        }
        var settings = DaemonConfiguration(socketDirectory: socketDir, configDirectory: configDir, stateDirectory: stateDir,
                                           keepaliveInterval: keepaliveInterval, keepaliveCount: keepaliveCount)
        // Guests need real taps: a bookkeeping-only host serves networks alone.
        let serveGuests = guests && host == .linux
        if serveGuests { settings.hypervisorVersion = GuestService.hypervisorVersion(emulator: emulator) }
        guard linkDownHoldMs <= 10_000 else {
            logger.critical("--link-down-hold-ms must be at most 10000 (got \(linkDownHoldMs))")
            throw ExitCode(1)
        }
        let (configDir, stateDir, emulator, hold) = (configDir, stateDir, emulator, linkDownHoldMs * 1000)
        let daemon = try Daemon(configuration: settings, host: try host.make(), logger: logger) { networks throws(PatchbayError) in
            guard serveGuests else { return nil }
            let driver = try GuestService.open(configDirectory: configDir, stateDirectory: stateDir, networks: networks, emulator: emulator,
                                                linkDownHoldMicroseconds: hold)
            for problem in driver.recoveryProblems() { logger.warning("guest recovery", metadata: ["problem": "\(problem)"]) }
            return driver
        }
        try await daemon.start()
        let signal = await shutdown.wait()
        logger.info("shutting down", metadata: ["signal": "\(signal)"])
        await daemon.shutdown()
    }
}
