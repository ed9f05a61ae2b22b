import CLinuxUAPI
import Glibc
import HostOS
import NetCore

/// A netlink request socket (NETLINK_ROUTE unless told otherwise, e.g. NETLINK_NETFILTER for
/// nf_tables): one request at a time, answers matched by sequence number.
///
/// The socket belongs to the network namespace it was opened in, so a socket opened inside a
/// namespace (see `NetworkNamespace`) keeps operating there from any thread.
public final class NetlinkSocket: @unchecked Sendable {
    private let descriptor: Int32
    private var sequence: UInt32 = UInt32.random(in: 1...0x7FFF_FFFF)
    private let lock = Lock()
    private var buffer = [UInt8](repeating: 0, count: 64 * 1024)

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
        let result: Result<NetlinkSocket, PatchbayError> = NetworkNamespace.run(in: path) { () throws(PatchbayError) in
            try NetlinkSocket(protocol: netlinkProtocol, groups: groups)
        }
        let opened = try result.get()
        try self.init(duplicating: opened)
    }

    private init(duplicating other: NetlinkSocket) throws(PatchbayError) {
        let fd = fcntl(other.descriptor, F_DUPFD_CLOEXEC, 0)
        guard fd >= 0 else { throw .system("Unable to duplicate a netlink socket", errno: errno) }
        descriptor = fd
    }

    deinit { close(descriptor) }

    /// Makes blocking receives give up after `milliseconds` (EAGAIN), so monitor loops can stop.
    public func setReceiveTimeout(milliseconds: Int) throws(PatchbayError) {
        var timeout = timeval(tv_sec: milliseconds / 1000, tv_usec: (milliseconds % 1000) * 1000)
        guard setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size)) == 0 else {
            throw .system("Unable to set a netlink receive timeout", errno: errno)
        }
    }

    /// Sends a request that the kernel acknowledges (NLM_F_ACK is added); throws the kernel's errno.
    public func request<H: RouteFamilyHeader>(_ message: NetlinkMessage<H>) throws(NetlinkError) {
        _ = try exchange(message, flags: NLM_F_ACK, dump: false)
    }

    /// Sends a request the kernel answers with messages and an acknowledgement (e.g. RTM_GETLINK by name).
    public func query<H: RouteFamilyHeader>(_ message: NetlinkMessage<H>) throws(NetlinkError) -> [(type: UInt16, body: ArraySlice<UInt8>)] {
        try exchange(message, flags: NLM_F_ACK, dump: false)
    }

    /// Sends a dump request and returns every answering message's type and body.
    public func dump<H: RouteFamilyHeader>(_ message: NetlinkMessage<H>) throws(NetlinkError) -> [(type: UInt16, body: ArraySlice<UInt8>)] {
        try exchange(message, flags: NLM_F_DUMP, dump: true)
    }

    /// One request and its answers, matched by a fresh sequence number, under the socket's lock.
    private func exchange<H: RouteFamilyHeader>(_ message: NetlinkMessage<H>, flags: Int32,
                                                dump: Bool) throws(NetlinkError) -> [(type: UInt16, body: ArraySlice<UInt8>)] {
        try lock.withLock { () throws(NetlinkError) in
            let sequence = nextSequence()
            var message = message
            message.sequence = sequence
            message.flags |= UInt16(NLM_F_REQUEST | flags)
            try send(message.encoded())
            return try receive(from: [sequence], awaiting: [sequence], dump: dump)
        }
    }

    /// Sends several requests in one datagram (an nfnetlink batch: begin, requests, end) and waits
    /// until every message that asks for an acknowledgement (NLM_F_ACK) has one; an error answer to
    /// any message of the batch is thrown.
    ///
    /// `build` receives the first of the fresh sequence numbers reserved for the batch and numbers
    /// its messages consecutively from it; their flags are sent as given (include NLM_F_REQUEST).
    public func requestBatch<H: RouteFamilyHeader>(_ build: (_ firstSequence: UInt32) -> [NetlinkMessage<H>]) throws(NetlinkError) {
        try lock.withLock { () throws(NetlinkError) in
            let messages = build(nextSequence())
            guard let last = messages.last else { return }
            sequence = max(sequence, last.sequence)
            var bytes: [UInt8] = []
            for message in messages { bytes += message.encoded() }
            try send(bytes)
            let acknowledged = messages.filter { $0.flags & UInt16(NLM_F_ACK) != 0 }.map(\.sequence)
            guard !acknowledged.isEmpty else { return }
            _ = try receive(from: Set(messages.map(\.sequence)), awaiting: Set(acknowledged), dump: false)
        }
    }

    /// Blocks for the next datagram of kernel notifications (for monitors) and splits it into messages.
    public func nextNotifications() throws(NetlinkError) -> [(type: UInt16, body: ArraySlice<UInt8>)] {
        let count = try receiveDatagram()
        return try NetlinkDatagram.split(buffer[0..<count]).map { ($0.type, $0.body) }
    }

    /// A fresh sequence number, leaving room above it for a batch's consecutive numbers.
    private func nextSequence() -> UInt32 {
        sequence = sequence >= UInt32.max - 0xFFFF ? 1 : sequence + 1
        return sequence
    }

    private func send(_ bytes: [UInt8]) throws(NetlinkError) {
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

    /// Receives one datagram into `buffer` and returns its length. MSG_TRUNC makes netlink report
    /// the datagram's real length, so one larger than the buffer is an error rather than a
    /// silently cut answer whose last message would claim bytes that were never received.
    private func receiveDatagram() throws(NetlinkError) -> Int {
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, Int32(MSG_TRUNC)) }
            if count > buffer.count {
                throw .malformed("a netlink datagram of \(count) bytes was cut to the \(buffer.count)-byte receive buffer")
            }
            if count >= 0 { return count }
            if errno == EINTR { continue }
            throw .socket(call: "recv", errno: errno)
        }
    }

    /// Collects the answers to the messages numbered `sequences` (others are stale and skipped) until
    /// each of `awaiting` is acknowledged, or a dump is done; the first error answer is thrown.
    private func receive(from sequences: Set<UInt32>, awaiting: Set<UInt32>,
                         dump: Bool) throws(NetlinkError) -> [(type: UInt16, body: ArraySlice<UInt8>)] {
        var collected: [(type: UInt16, body: ArraySlice<UInt8>)] = []
        var pending = awaiting
        while true {
            let count = try receiveDatagram()
            for part in try NetlinkDatagram.split(buffer[0..<count]) where sequences.contains(part.sequence) {
                switch Int32(part.type) {
                case NLMSG_ERROR:
                    var reader = NetlinkReader(part.body)
                    let code = try reader.integer(Int32.self)
                    if code != 0 { throw .kernel(errno: -code) }
                    pending.remove(part.sequence)
                    if !dump && pending.isEmpty { return collected }
                case NLMSG_DONE:
                    return collected
                default:
                    collected.append((part.type, Array(part.body)[...]))
                }
            }
        }
    }
}

extension NetlinkError {
    /// The error as Patchbay reports it, naming the operation that failed.
    public func reported(_ what: String) -> PatchbayError {
        switch self {
        case .kernel(let code): .system(what, errno: code)
        case .socket(let call, let code): .system("\(what) (\(call))", errno: code)
        case .malformed(let detail): .internalError("\(what): malformed netlink answer: \(detail)")
        }
    }
}
