import NetCore

/// Something that happened to a network or a port, for management applications to build policy on.
public enum NetworkEvent: Sendable, Equatable {
    /// libvirt's network lifecycle events (`VIR_NETWORK_EVENT_*`, same numbering).
    public enum Lifecycle: Int32, Sendable {
        /// Defined (persistent definition stored).
        case defined = 0
        /// Undefined (persistent definition removed).
        case undefined = 1
        /// Started.
        case started = 2
        /// Stopped.
        case stopped = 3
    }

    /// Patchbay's port events (libvirt has none).
    public enum PortChange: Int32, Sendable {
        /// A port was created.
        case created = 0
        /// A port was deleted.
        case deleted = 1
        /// A port's bandwidth changed.
        case bandwidthChanged = 2
    }

    /// A network's lifecycle changed.
    case lifecycle(network: String, uuid: LibvirtUUID, change: Lifecycle)
    /// A port changed.
    case port(network: String, networkUUID: LibvirtUUID, port: LibvirtUUID, change: PortChange)
}

/// Delivers events to subscribers in the order they happened.
///
/// Events are yielded while the driver holds its lock, so every subscriber sees the same order
/// as the operations that caused them.
final class EventHub: @unchecked Sendable {
    private var subscribers: [Int: AsyncStream<NetworkEvent>.Continuation] = [:]
    private var observers: [Int: @Sendable (NetworkEvent) -> Void] = [:]
    private var nextID = 0
    private let lock = Lock()

    /// A new subscription: its id (to cancel) and its stream.
    func subscribe() -> (id: Int, events: AsyncStream<NetworkEvent>) {
        let (stream, continuation) = AsyncStream.makeStream(of: NetworkEvent.self, bufferingPolicy: .unbounded)
        let id = lock.withLock { () -> Int in
            nextID += 1
            subscribers[nextID] = continuation
            return nextID
        }
        continuation.onTermination = { [weak self] _ in self?.unsubscribe(id) }
        return (id, stream)
    }

    /// A synchronous observer, called in operation order on the thread that caused the event.
    /// It must return quickly and must not call back into the driver (its lock is held).
    func observe(_ handler: @escaping @Sendable (NetworkEvent) -> Void) -> Int {
        lock.withLock { () -> Int in
            nextID += 1
            observers[nextID] = handler
            return nextID
        }
    }

    /// Ends a subscription or an observer.
    func unsubscribe(_ id: Int) {
        let continuation = lock.withLock { () -> AsyncStream<NetworkEvent>.Continuation? in
            observers[id] = nil
            return subscribers.removeValue(forKey: id)
        }
        continuation?.finish()
    }

    /// Sends an event to every subscriber.
    func publish(_ event: NetworkEvent) {
        let (streams, handlers) = lock.withLock { (Array(subscribers.values), Array(observers.values)) }
        for handler in handlers { handler(event) }
        for continuation in streams { continuation.yield(event) }
    }
}
