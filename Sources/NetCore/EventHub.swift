/// Delivers events to subscribers in the order they happened.
///
/// Drivers publish while holding their own lock, so every subscriber sees the same order as the
/// operations that caused the events.
public final class EventHub<Event: Sendable>: @unchecked Sendable {
    private var subscribers: [Int: AsyncStream<Event>.Continuation] = [:]
    private var observers: [Int: @Sendable (Event) -> Void] = [:]
    private var nextID = 0
    private let lock = Lock()

    /// An empty hub.
    public init() {}

    /// A new subscription: its id (to cancel) and its stream.
    public func subscribe() -> (id: Int, events: AsyncStream<Event>) {
        let (stream, continuation) = AsyncStream.makeStream(of: Event.self, bufferingPolicy: .unbounded)
        let id = lock.withLock { () -> Int in
            nextID += 1
            subscribers[nextID] = continuation
            return nextID
        }
        continuation.onTermination = { [weak self] _ in self?.unsubscribe(id) }
        return (id, stream)
    }

    /// A synchronous observer, called in operation order on the thread that caused the event.
    /// It must return quickly and must not call back into the publisher (its lock is held).
    public func observe(_ handler: @escaping @Sendable (Event) -> Void) -> Int {
        lock.withLock { () -> Int in
            nextID += 1
            observers[nextID] = handler
            return nextID
        }
    }

    /// Ends a subscription or an observer.
    public func unsubscribe(_ id: Int) {
        let continuation = lock.withLock { () -> AsyncStream<Event>.Continuation? in
            observers[id] = nil
            return subscribers.removeValue(forKey: id)
        }
        continuation?.finish()
    }

    /// Sends an event to every observer, then to every subscriber.
    public func publish(_ event: Event) {
        let (streams, handlers) = lock.withLock { (Array(subscribers.values), Array(observers.values)) }
        for handler in handlers { handler(event) }
        for continuation in streams { continuation.yield(event) }
    }
}
