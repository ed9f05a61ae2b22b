import Logging
import NIOCore
import NIOPosix
import NetCore
import RemoteProtocol

/// One client connection: classifies its packets, answers keepalive, hands calls to the worker
/// threads (so several run at once, each answered with its own serial) and watches for a dead
/// peer once the client asked for keepalive.
final class ClientHandler: ChannelInboundHandler {
    typealias InboundIn = Packet

    private let session: ClientSession
    private let dispatcher: Dispatcher
    private let broker: EventBroker
    private let pool: NIOThreadPool
    private let configuration: DaemonConfiguration
    private let logger: Logger
    private var keepalive: RepeatedTask?
    private var lastReceived = NIODeadline.now()
    private var unansweredPings = 0
    /// Calls running for this connection; past `maxOutstandingCalls` the socket is not read
    /// until some finish, so a flooding client queues in its own socket buffer, not in our memory.
    private var outstandingCalls = 0
    static let maxOutstandingCalls = 64

    init(session: ClientSession, dispatcher: Dispatcher, broker: EventBroker, pool: NIOThreadPool,
         configuration: DaemonConfiguration, logger: Logger) {
        self.session = session
        self.dispatcher = dispatcher
        self.broker = broker
        self.pool = pool
        self.configuration = configuration
        self.logger = logger
    }

    func channelActive(context: ChannelHandlerContext) {
        let session = session
        let logger = logger
        PeerCredentials.read(from: context.channel).whenComplete { result in
            switch result {
            case let .success(peer):
                session.credentials = peer
                logger.debug("client connected", metadata: ["connection": "\(session.id)", "socket": "\(session.role.fileName)",
                                                            "peer": "\(peer)"])
            case let .failure(error):
                logger.warning("cannot read peer credentials", metadata: ["connection": "\(session.id)", "error": "\(error)"])
            }
        }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let packet = unwrapInboundIn(data)
        lastReceived = .now()
        unansweredPings = 0
        let request: ServerRequest
        do {
            request = try ServerRequest.classify(packet)
        } catch {
            logger.debug("rejected packet", metadata: ["connection": "\(session.id)", "error": "\(error.error)"])
            if let reply = error.reply { context.channel.send(reply) }
            return
        }
        let channel = context.channel
        let session = session
        let dispatcher = dispatcher
        switch request {
        case .keepalivePing:
            channel.send(Packet.keepalive(.pong))
        case .keepalivePong:
            break
        case let .remoteCall(procedure, header, payload):
            if procedure == .connectSupportsFeature,
               (try? XDRDecoder.decode(ConnectSupportsFeatureArgs.self, from: payload))?.feature == ConnectFeature.programKeepalive.rawValue {
                startKeepalive(context: context)
            }
            if procedure.declaration.effect == .hostChange && !dispatcher.isQuick(procedure, payload: payload)
                || session.role.service == .qemu && !procedure.isHandshake {
                // The guest driver's calls may all wait for QEMU (its reads too, behind a start).
                // Starting or stopping a network, or updating one, can take the host a while.
                run(on: context, channel: channel) { dispatcher.reply(to: procedure, header: header, payload: payload, session: session) }
            } else {
                // Reads and bounded changes (definitions, ports of networks without floors,
                // starting a network on a host bridge) only wait for the driver's lock and a file write, never for a process or
                // a bridge of ours; handing them to a worker
                // costs two thread wake-ups, which dominated their latency. They are answered here,
                // at worst after the one host operation holding the lock.
                channel.send(dispatcher.reply(to: procedure, header: header, payload: payload, session: session))
            }
        case let .patchbayCall(header, payload):
            run(on: context, channel: channel) { dispatcher.reply(toPatchbay: header, payload: payload, session: session) }
        }
    }

    /// Runs a call on a worker thread and sends its reply whenever it is ready.
    private func run(on context: ChannelHandlerContext, channel: Channel, _ work: @escaping @Sendable () -> Packet) {
        let logger = logger
        let id = session.id
        outstandingCalls += 1
        if outstandingCalls == Self.maxOutstandingCalls { channel.setOption(ChannelOptions.autoRead, value: false).whenFailure { _ in } }
        let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
        pool.runIfActive(eventLoop: context.eventLoop, work).whenComplete { result in
            // Runs on the connection's event loop, like every other use of the handler's state.
            let handler = bound.value
            if handler.outstandingCalls == Self.maxOutstandingCalls {
                channel.setOption(ChannelOptions.autoRead, value: true).whenFailure { _ in }
            }
            handler.outstandingCalls -= 1
            switch result {
            case let .success(reply):
                channel.send(reply).whenFailure { error in
                    logger.debug("reply not delivered", metadata: ["connection": "\(id)", "error": "\(error)"])
                }
            case let .failure(error):
                logger.debug("call not run", metadata: ["connection": "\(id)", "error": "\(error)"])
            }
        }
    }

    /// libvirt's keepalive: after `interval` seconds of silence PING, and give up on a client
    /// that let `count` PINGs go unanswered (a vanished peer whose socket never closed).
    private func startKeepalive(context: ChannelHandlerContext) {
        guard keepalive == nil else { return }
        let interval = TimeAmount.seconds(configuration.keepaliveInterval)
        let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
        let channel = context.channel
        keepalive = context.eventLoop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { _ in
            bound.value.keepaliveTick(channel: channel, interval: interval)
        }
    }

    private func keepaliveTick(channel: Channel, interval: TimeAmount) {
        guard NIODeadline.now() - lastReceived >= interval else { return }
        guard unansweredPings < configuration.keepaliveCount else {
            logger.info("dropping unresponsive client", metadata: ["connection": "\(session.id)", "pings": "\(unansweredPings)"])
            channel.close(promise: nil)
            return
        }
        unansweredPings += 1
        channel.send(Packet.keepalive(.ping))
    }

    func channelInactive(context: ChannelHandlerContext) {
        keepalive?.cancel()
        keepalive = nil
        broker.drop(session)
        logger.debug("client disconnected", metadata: ["connection": "\(session.id)"])
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        // Framing errors cannot be recovered from: there is no marker to resynchronise on.
        logger.info("closing connection", metadata: ["connection": "\(session.id)", "error": "\(error)"])
        context.close(promise: nil)
    }
}
