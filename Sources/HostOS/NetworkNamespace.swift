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
        let work = HostThread {
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
