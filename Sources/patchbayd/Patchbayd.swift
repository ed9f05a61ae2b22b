import ArgumentParser
import Dispatch
import Glibc
import Logging
import NetCore
import NetDriver
import PatchbayDaemon

/// `patchbayd`: libvirt's network daemons, Patchbay's way. Runs in the foreground, logs to stderr.
@main
struct Patchbayd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "patchbayd",
        abstract: "Serve libvirt's network, interface and node device sockets from Patchbay.",
        version: PatchbayVersion.description)

    @Option(help: "Directory of the virtnetworkd/virtinterfaced/virtnodedevd sockets.")
    var socketDir = "/run/libvirt"
    @Option(help: "Directory of persistent network definitions.")
    var configDir = "/etc/patchbay"
    @Option(help: "Directory of live state (running networks, ports, dnsmasq files).")
    var stateDir = "/run/patchbay"
    @Option(help: "Host backend: 'linux' configures the kernel, 'inert' only keeps books (development, protocol tests).")
    var host = HostKind.linux
    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel = "info"
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
        let settings = DaemonConfiguration(socketDirectory: socketDir, configDirectory: configDir, stateDirectory: stateDir,
                                           keepaliveInterval: keepaliveInterval, keepaliveCount: keepaliveCount)
        let daemon = try Daemon(configuration: settings, host: try host.make(), logger: logger)
        try await daemon.start()
        let signal = await shutdown.wait()
        logger.info("shutting down", metadata: ["signal": "\(signal)"])
        await daemon.shutdown()
    }
}
