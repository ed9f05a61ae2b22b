import CLinuxUAPI
import Glibc
import NetCore

/// Runs work inside another network namespace.
///
/// `setns` changes only the calling thread, so the work runs on a thread of its own that enters the
/// namespace and then ends; the caller's threads (and Swift's cooperative pool) never change namespace.
/// Sockets and tap file descriptors opened there stay bound to that namespace.
public enum NetworkNamespace {
    /// Runs `body` on a fresh thread that first joins the namespace at `path`.
    public static func run<T: Sendable>(in path: String, _ body: @escaping @Sendable () throws(PatchbayError) -> T) -> Result<T, PatchbayError> {
        let box = ResultBox<T>()
        let work = ThreadWork {
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else {
                box.result = .failure(.system("Unable to open network namespace '\(path)'", errno: errno))
                return
            }
            defer { close(fd) }
            let joined = pb_setns(fd, PB_CLONE_NEWNET)
            guard joined == 0 else {
                box.result = .failure(.system("Unable to enter network namespace '\(path)'", errno: -joined))
                return
            }
            do throws(PatchbayError) { box.result = .success(try body()) } catch { box.result = .failure(error) }
        }
        guard work.runAndWait() else { return .failure(.internalError("cannot start a thread to enter '\(path)'")) }
        return box.result ?? .failure(.internalError("namespace thread did not run"))
    }
}

private final class ResultBox<T>: @unchecked Sendable {
    var result: Result<T, PatchbayError>?
}

/// A closure run on its own joinable pthread.
final class ThreadWork: @unchecked Sendable {
    private let body: () -> Void

    init(_ body: @escaping () -> Void) { self.body = body }

    /// Runs the body on a new thread and joins it; false when no thread could be started
    /// (the body must never fall back to the caller's thread: it would change its namespace).
    func runAndWait() -> Bool {
        var thread = pthread_t()
        let unmanaged = Unmanaged.passRetained(self)
        let created = pthread_create(&thread, nil, { context in
            guard let context else { return nil }
            let work = Unmanaged<ThreadWork>.fromOpaque(context).takeRetainedValue()
            work.body()
            return nil
        }, unmanaged.toOpaque())
        if created != 0 {
            unmanaged.release()
            return false
        }
        pthread_join(thread, nil)
        return true
    }
}
