import Dispatch
import Glibc
import Synchronization

/// SIGTERM/SIGINT as a clean stop, caught from the moment `arm` returns.
///
/// A signal handler (process-wide, so whichever thread the kernel picks) writes the signal's
/// number to a pipe; `wait()` reads it. Armed before the sockets are bound, a stop sent as soon
/// as the daemon is ready is neither lost nor fatal. (The Dispatch signal source this replaces
/// set SIG_IGN first and registered its signalfd later, on Dispatch's manager thread: a signal in
/// between was discarded and the daemon kept running; one before it killed the daemon without
/// its restart snapshot.)
final class ShutdownSignal: Sendable {
    /// The pipe's write end, for the handler (a C function: it can only reach globals).
    private static let writeEnd = Atomic<Int32>(-1)
    private let readEnd: Int32

    private init(readEnd: Int32) { self.readEnd = readEnd }

    /// Installs the handler for `signals`; from here on each of them is queued for `wait()`.
    static func arm(_ signals: [Int32]) -> ShutdownSignal? {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { return nil }
        // Not inherited by dnsmasq and the other processes the daemon starts.
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        writeEnd.store(ends[1], ordering: .sequentiallyConsistent)
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { number in
            var byte = UInt8(truncatingIfNeeded: number)
            _ = write(ShutdownSignal.writeEnd.load(ordering: .relaxed), &byte, 1)
        }
        action.sa_flags = SA_RESTART
        sigemptyset(&action.sa_mask)
        var unblock = sigset_t()
        sigemptyset(&unblock)
        for number in signals {
            sigaction(number, &action, nil)
            sigaddset(&unblock, number)
        }
        // A parent may have started us with them blocked (the mask is inherited across exec).
        pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
        return ShutdownSignal(readEnd: ends[0])
    }

    /// Suspends until one of the armed signals arrives (or has arrived); returns its number.
    func wait() async -> Int32 {
        let readEnd = readEnd
        return await withCheckedContinuation { continuation in
            // A blocking read on a thread of its own (a serial queue gets a dedicated thread).
            DispatchQueue(label: "patchbayd.signals").async {
                var byte: UInt8 = 0
                while read(readEnd, &byte, 1) < 0 && errno == EINTR {}
                continuation.resume(returning: Int32(byte))
            }
        }
    }
}
