import CLinuxUAPI
import Glibc
import HostOS
import NetCore

/// Where a `NetlinkSocket`'s datagrams go and come from: the kernel (`KernelNetlinkTransport`), or
/// in tests a script of recorded replies that also records what was sent, so every request and
/// the parsing of every answer can be checked byte for byte without root.
public protocol NetlinkTransport: AnyObject, Sendable {
    /// Sends one datagram (one message, or a batch of them back to back).
    func send(_ bytes: [UInt8]) throws(NetlinkError)

    /// Blocks for the next datagram, copies what fits into `buffer` and returns the datagram's
    /// real length, which is larger than `buffer.count` when it was cut (MSG_TRUNC semantics).
    func receive(into buffer: UnsafeMutableRawBufferPointer) throws(NetlinkError) -> Int

    /// Makes blocking receives give up after `milliseconds` with `.socket(call:errno: EAGAIN)`.
    func setReceiveTimeout(milliseconds: Int) throws(PatchbayError)
}

/// A netlink socket of the kernel's: `socket(AF_NETLINK, SOCK_RAW)` bound to a port the kernel picks.
///
/// The socket belongs to the network namespace it was opened in, so one opened inside a namespace
/// (see `NetworkNamespace`) keeps operating there from any thread.
public final class KernelNetlinkTransport: NetlinkTransport {
    private let descriptor: Int32

    /// Opens a socket of netlink protocol `netlinkProtocol` (NETLINK_ROUTE, NETLINK_NETFILTER...) in the
    /// calling thread's namespace, subscribed to `groups` (that protocol's multicast bits, e.g. RTMGRP_*).
    public init(protocol netlinkProtocol: Int32 = NETLINK_ROUTE, groups: UInt32 = 0) throws(PatchbayError) {
        let fd = socket(AF_NETLINK, Int32(SOCK_RAW.rawValue) | Int32(SOCK_CLOEXEC.rawValue), netlinkProtocol)
        guard fd >= 0 else { throw .system("Unable to open a netlink socket", errno: errno) }
        var address = sockaddr_nl()
        address.nl_family = sa_family_t(AF_NETLINK)
        address.nl_groups = groups
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_nl>.size)) }
        }
        guard bound == 0 else {
            let code = errno
            close(fd)
            throw .system("Unable to bind a netlink socket", errno: code)
        }
        var strict: Int32 = 1
        _ = setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &strict, socklen_t(MemoryLayout<Int32>.size))
        descriptor = fd
    }

    /// Opens a socket of protocol `netlinkProtocol` inside the network namespace at `path` (e.g. `/run/netns/NAME`).
    public convenience init(namespace path: String, protocol netlinkProtocol: Int32 = NETLINK_ROUTE,
                            groups: UInt32 = 0) throws(PatchbayError) {
        let result: Result<KernelNetlinkTransport, PatchbayError> = NetworkNamespace.run(in: path) { () throws(PatchbayError) in
            try KernelNetlinkTransport(protocol: netlinkProtocol, groups: groups)
        }
        let opened = try result.get()
        try self.init(duplicating: opened)
    }

    private init(duplicating other: KernelNetlinkTransport) throws(PatchbayError) {
        let fd = fcntl(other.descriptor, F_DUPFD_CLOEXEC, 0)
        guard fd >= 0 else { throw .system("Unable to duplicate a netlink socket", errno: errno) }
        descriptor = fd
    }

    deinit { close(descriptor) }

    public func setReceiveTimeout(milliseconds: Int) throws(PatchbayError) {
        var timeout = timeval(tv_sec: milliseconds / 1000, tv_usec: (milliseconds % 1000) * 1000)
        guard setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size)) == 0 else {
            throw .system("Unable to set a netlink receive timeout", errno: errno)
        }
    }

    public func send(_ bytes: [UInt8]) throws(NetlinkError) {
        var kernel = sockaddr_nl()
        kernel.nl_family = sa_family_t(AF_NETLINK)
        let sent = bytes.withUnsafeBytes { raw in
            withUnsafePointer(to: &kernel) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(descriptor, raw.baseAddress, raw.count, 0, $0, socklen_t(MemoryLayout<sockaddr_nl>.size))
                }
            }
        }
        guard sent == bytes.count else { throw .socket(call: "sendto", errno: errno) }
    }

    /// MSG_TRUNC makes netlink report the datagram's real length even when it did not fit.
    public func receive(into buffer: UnsafeMutableRawBufferPointer) throws(NetlinkError) -> Int {
        while true {
            let count = recv(descriptor, buffer.baseAddress, buffer.count, Int32(MSG_TRUNC))
            if count >= 0 { return count }
            if errno == EINTR { continue }
            throw .socket(call: "recv", errno: errno)
        }
    }
}
