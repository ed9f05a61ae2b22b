import Glibc
import GuestDriver
import InterfaceDriver
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NetCore
import NetDriver
import NodeDevices
import RemoteProtocol

/// patchbayd: the network, guest, interface and node device drivers behind libvirt's sockets.
///
/// Start order matters for "ready when the sockets exist": the driver recovers its state first,
/// the event pump runs, and only then are the sockets bound.
public final class Daemon: Sendable {
    /// The configuration it runs with.
    public let configuration: DaemonConfiguration
    /// The network driver (recovered from the config and state directories).
    public let driver: NetworkDriver
    /// The guest driver behind virtqemud-sock; without one those two sockets are not bound.
    public let domains: (any DomainService)?
    /// The host interface driver (a transaction left pending is rolled back when the daemon starts).
    public let interfaces: HostInterfaceDriver
    /// The host's network devices as node devices.
    public let nodeDevices = NodeDeviceDriver(source: LinuxNetDevices())
    let broker: EventBroker
    let dispatcher: Dispatcher
    private let logger: Logger
    private let group: MultiThreadedEventLoopGroup
    private let pool: NIOThreadPool
    private let state = NIOLockedValueBox(RunState())

    private struct RunState {
        var servers: [Channel] = []
        var nextConnection: UInt64 = 1
        var subscription: Int?
        var domainSubscription: Int?
        var domainEvents: DomainEventForwarder?
    }

    /// Opens the driver over the configured directories (recovering any running networks).
    public convenience init(configuration: DaemonConfiguration, host: NetworkHost, domains: (any DomainService)? = nil,
                            logger: Logger) throws(PatchbayError) {
        try self.init(configuration: configuration, host: host, logger: logger) { (_: NetworkDriver) throws(PatchbayError) in domains }
    }

    /// Opens the network driver, then the guest driver `makeGuests` builds over it (guests take
    /// ports on networks); nil from it leaves virtqemud-sock unbound.
    public init(configuration: DaemonConfiguration, host: NetworkHost, logger: Logger,
                makeGuests: (NetworkDriver) throws(PatchbayError) -> (any DomainService)?) throws(PatchbayError) {
        self.configuration = configuration
        self.logger = logger
        driver = try NetworkDriver(configDirectory: configuration.configDirectory, stateDirectory: configuration.stateDirectory,
                                   host: host)
        // A host transaction left pending is rolled back before guests (and their autostart) come up.
        interfaces = try HostInterfaceDriver.forDaemon(configDirectory: configuration.configDirectory, networks: driver, logger: logger)
        domains = try makeGuests(driver)
        broker = EventBroker(logger: logger)
        dispatcher = Dispatcher(driver: driver, domains: domains, hypervisorVersion: configuration.hypervisorVersion,
                                interfaces: interfaces, nodeDevices: nodeDevices, broker: broker, logger: logger)
        // One socket loop: calls that change the driver take its lock anyway, and with two loops
        // they fought over it (futex wake-ups cost more than the calls); slow host work runs on
        // the worker pool, so the loop never waits for a process.
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        pool = NIOThreadPool(numberOfThreads: max(1, configuration.workerThreads))
        for problem in driver.loadProblems { logger.warning("recovery", metadata: ["problem": "\(problem)"]) }
        for drift in driver.driftReport() { logger.warning("drift", metadata: ["item": "\(drift)"]) }
    }

    /// Socket path of a role in the configured directory.
    public func socketPath(_ role: SocketRole) -> String { "\(configuration.socketDirectory)/\(role.fileName)" }

    /// Starts delivering events and binds the sockets (eight, or six without a guest driver); returns once they all exist.
    public func start() async throws {
        pool.start()
        // Delivered inline, in operation order: a stream would wake a task for every port
        // operation even when nobody listens, which cost more than the operation itself.
        let broker = broker
        let subscription = driver.observe { event in broker.deliver(event) }
        state.withLockedValue { $0.subscription = subscription }
        if let domains {
            // Guest events come as a stream; one task on a thread of its own forwards them in order.
            let (id, events) = domains.subscribe()
            let forwarder = DomainEventForwarder()
            guard forwarder.start(events, deliver: { broker.deliver($0) }) else {
                domains.unsubscribe(id)
                throw PatchbayError(.systemError, "cannot start the thread that forwards guest events", domain: .rpc)
            }
            state.withLockedValue {
                $0.domainSubscription = id
                $0.domainEvents = forwarder
            }
        }
        do {
            try nodeDevices.watch { event in broker.deliver(event) }
        } catch {
            logger.warning("no node device events (cannot watch links)", metadata: ["error": "\(error.message)"])
        }
        try Self.makeDirectory(configuration.socketDirectory)
        // Network sockets last: clients wait for virtnetworkd-sock, so everything is up by then.
        for role in boundRoles.reversed() {
            let channel = try await bind(role)
            state.withLockedValue { $0.servers.append(channel) }
        }
        logger.info("ready", metadata: ["sockets": "\(configuration.socketDirectory)", "config": "\(configuration.configDirectory)",
                                        "state": "\(configuration.stateDirectory)", "networks": "\(driver.list().count)"])
    }

    /// The sockets this daemon serves: virtqemud's pair only with a guest driver.
    public var boundRoles: [SocketRole] {
        SocketRole.all.filter { $0.service != .qemu || domains != nil }
    }

    private func bind(_ role: SocketRole) async throws -> Channel {
        let path = socketPath(role)
        // A leftover file from a killed daemon is replaced; a socket someone still answers on
        // belongs to a running daemon, which must not be silently cut off.
        if SocketProbe.isListening(path) {
            throw PatchbayError(.operationFailed, "another daemon is already listening on \(path)", domain: .rpc)
        }
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.backlog, value: 256)
            .childChannelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture {
                    let id = self.state.withLockedValue { state -> UInt64 in
                        defer { state.nextConnection += 1 }
                        return state.nextConnection
                    }
                    let session = ClientSession(id: id, role: role, channel: channel)
                    let handler = ClientHandler(session: session, dispatcher: self.dispatcher, broker: self.broker, pool: self.pool,
                                                configuration: self.configuration, logger: self.logger)
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(PacketFrameDecoder()))
                    try channel.pipeline.syncOperations.addHandler(handler)
                }
            }
        let channel = try await bootstrap.bind(unixDomainSocketPath: path, cleanupExistingSocketFile: true).get()
        // Set after bind: the umask must not decide who may connect.
        chmod(path, role.mode)
        return channel
    }

    /// Stops accepting and closes every connection. Networks keep running: their state is on
    /// disk and the next start picks it up.
    public func shutdown() async {
        let (servers, subscription, domainSubscription, domainEvents) = state.withLockedValue {
            ($0.servers, $0.subscription, $0.domainSubscription, $0.domainEvents)
        }
        for server in servers {
            try? await server.close()
        }
        for role in boundRoles { unlink(socketPath(role)) }
        if let subscription { driver.unsubscribe(subscription) }
        if let domainSubscription { domains?.unsubscribe(domainSubscription) }
        domainEvents?.stop()
        nodeDevices.stop()
        try? await group.shutdownGracefully()
        try? await pool.shutdownGracefully()
        // No call runs any more: the snapshot is the state the files describe.
        do {
            try driver.saveRestartSnapshot()
        } catch {
            logger.warning("no restart snapshot (the next start reads every port file)", metadata: ["error": "\(error.message)"])
        }
        logger.info("stopped; networks left running")
    }

    private static func makeDirectory(_ path: String) throws {
        var prefix = ""
        for component in path.split(separator: "/") {
            prefix += "/" + component
            if mkdir(prefix, 0o755) != 0 && errno != EEXIST {
                throw PatchbayError(.systemError, "cannot create directory '\(prefix)': \(String(cString: strerror(errno)))")
            }
        }
    }
}
