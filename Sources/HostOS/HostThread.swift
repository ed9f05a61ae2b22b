import Glibc

/// A closure on a pthread of its own, for work that must not run on the caller's thread or on
/// Swift's cooperative pool: entering a namespace (`setns` changes only the calling thread) or a
/// blocking loop that outlives the caller.
public final class HostThread: @unchecked Sendable {
    private let body: () -> Void

    /// A thread that will run `body` once started.
    public init(_ body: @escaping () -> Void) { self.body = body }

    /// Runs the body on a new thread and joins it; false when no thread could be started (the
    /// body never falls back to the caller's thread: it could change the caller's namespace).
    public func runAndWait() -> Bool {
        guard let thread = spawn() else { return false }
        pthread_join(thread, nil)
        return true
    }

    /// Starts the body on a new detached thread; false when no thread could be started.
    public func start() -> Bool {
        guard let thread = spawn() else { return false }
        pthread_detach(thread)
        return true
    }

    private func spawn() -> pthread_t? {
        var thread = pthread_t()
        let unmanaged = Unmanaged.passRetained(self)
        let created = pthread_create(&thread, nil, { context in
            guard let context else { return nil }
            Unmanaged<HostThread>.fromOpaque(context).takeRetainedValue().body()
            return nil
        }, unmanaged.toOpaque())
        guard created == 0 else {
            unmanaged.release()
            return nil
        }
        return thread
    }
}
