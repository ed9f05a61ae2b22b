import Glibc
import NetCore

/// Checks that an address is still reachable from the host (the confirmation rule of an interface
/// transaction: a change that cut the administrator's path must not be committed).
public protocol ReachabilityProbe: Sendable {
    /// Succeeds when a TCP connection to `address`:`port` is accepted within `timeout` seconds.
    func checkTCP(_ address: IPAddress, port: UInt16, timeout: Double) throws(PatchbayError)
}

/// `ReachabilityProbe` with a real non-blocking TCP connect in the caller's network namespace.
public struct TCPReachabilityProbe: ReachabilityProbe {
    /// A probe.
    public init() {}

    public func checkTCP(_ address: IPAddress, port: UInt16, timeout: Double) throws(PatchbayError) {
        let target = "\(address.family == .ipv6 ? "[\(address)]" : "\(address)"):\(port)"
        let family = address.family == .ipv4 ? AF_INET : AF_INET6
        let fd = socket(family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw PatchbayError(.systemError, "cannot create a socket to check \(target): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var result: Int32
        if address.family == .ipv4 {
            var sin = sockaddr_in()
            sin.sin_family = sa_family_t(AF_INET)
            sin.sin_port = port.bigEndian
            withUnsafeMutableBytes(of: &sin.sin_addr) { $0.copyBytes(from: address.bytes) }
            result = withUnsafePointer(to: &sin) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
        } else {
            var sin6 = sockaddr_in6()
            sin6.sin6_family = sa_family_t(AF_INET6)
            sin6.sin6_port = port.bigEndian
            withUnsafeMutableBytes(of: &sin6.sin6_addr) { $0.copyBytes(from: address.bytes) }
            result = withUnsafePointer(to: &sin6) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) }
            }
        }
        if result != 0 {
            guard errno == EINPROGRESS else { throw unreachable(target, errno) }
            var poller = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            let ready = poll(&poller, 1, Int32(max(timeout, 0.001) * 1000))
            guard ready > 0 else { throw unreachable(target, ready == 0 ? ETIMEDOUT : errno) }
            var error: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length)
            guard error == 0 else { throw unreachable(target, error) }
        }
    }

    private func unreachable(_ target: String, _ code: Int32) -> PatchbayError {
        PatchbayError(.operationFailed, "\(target) is not reachable over TCP: \(String(cString: strerror(code)))", domain: .interface)
    }
}
