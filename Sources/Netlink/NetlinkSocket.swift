import CLinuxUAPI
import Glibc
import NetCore

/// A netlink request socket (NETLINK_ROUTE unless told otherwise, e.g. NETLINK_NETFILTER for
/// nf_tables): one request at a time, answers matched by sequence number.
///
/// The datagrams travel over a `NetlinkTransport`: the kernel's socket, or in tests a recorded
/// script (with the sequence numbers fixed, so the bytes sent are the same on every run).
public final class NetlinkSocket: @unchecked Sendable {
    private let transport: any NetlinkTransport
    private var sequence: UInt32
    private let lock = Lock()
    private var buffer = [UInt8](repeating: 0, count: 64 * 1024)

    /// Opens a socket of netlink protocol `netlinkProtocol` (NETLINK_ROUTE, NETLINK_NETFILTER...) in the
    /// calling thread's namespace, subscribed to `groups` (that protocol's multicast bits, e.g. RTMGRP_*).
    public convenience init(protocol netlinkProtocol: Int32 = NETLINK_ROUTE, groups: UInt32 = 0) throws(PatchbayError) {
        self.init(transport: try KernelNetlinkTransport(protocol: netlinkProtocol, groups: groups))
    }

    /// Opens a socket of protocol `netlinkProtocol` inside the network namespace at `path` (e.g. `/run/netns/NAME`).
    public convenience init(namespace path: String, protocol netlinkProtocol: Int32 = NETLINK_ROUTE,
                            groups: UInt32 = 0) throws(PatchbayError) {
        self.init(transport: try KernelNetlinkTransport(namespace: path, protocol: netlinkProtocol, groups: groups))
    }

    /// Requests over `transport`, the first numbered `firstSequence` (a random start otherwise, so
    /// a stale answer to an earlier socket's request is not mistaken for one of ours).
    public init(transport: any NetlinkTransport, firstSequence: UInt32? = nil) {
        self.transport = transport
        sequence = firstSequence.map { $0 &- 1 } ?? UInt32.random(in: 1...0x7FFF_FFFF)
    }

    /// Makes blocking receives give up after `milliseconds` (EAGAIN), so monitor loops can stop.
    public func setReceiveTimeout(milliseconds: Int) throws(PatchbayError) {
        try transport.setReceiveTimeout(milliseconds: milliseconds)
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

    private func send(_ bytes: [UInt8]) throws(NetlinkError) { try transport.send(bytes) }

    /// Receives one datagram into `buffer` and returns its length. The transport reports the
    /// datagram's real length, so one larger than the buffer is an error rather than a silently
    /// cut answer whose last message would claim bytes that were never received.
    private func receiveDatagram() throws(NetlinkError) -> Int {
        let transport = transport
        let received = buffer.withUnsafeMutableBytes { raw in
            Result { () throws(NetlinkError) in try transport.receive(into: raw) }
        }
        let count = try received.get()
        if count > buffer.count {
            throw .malformed("a netlink datagram of \(count) bytes was cut to the \(buffer.count)-byte receive buffer")
        }
        return count
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
