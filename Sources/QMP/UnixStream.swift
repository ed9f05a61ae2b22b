import Glibc
import NetCore

/// Connecting to a unix stream socket by path.
enum UnixStream {
    /// Connects to `path`, retrying while it does not exist or refuses (QEMU still starting), for
    /// up to `timeout` seconds.
    static func connect(path: String, timeout: Double) throws(PatchbayError) -> Int32 {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard bytes.count < capacity else { throw .invalidArgument("monitor socket path '\(path)' is too long") }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in bytes.enumerated() { raw[index] = byte }
        }
        let deadline = monotonicNow() + timeout
        var delay: UInt32 = 5_000
        while true {
            let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard fd >= 0 else { throw .system("Unable to create a unix socket", errno: errno) }
            let result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
                }
            }
            if result == 0 { return fd }
            let failure = errno
            close(fd)
            guard (failure == ENOENT || failure == ECONNREFUSED || failure == EINTR), monotonicNow() < deadline else {
                throw .system("Unable to connect to the QEMU monitor at '\(path)'", errno: failure)
            }
            usleep(delay)
            delay = min(delay * 2, 100_000)
        }
    }
}
