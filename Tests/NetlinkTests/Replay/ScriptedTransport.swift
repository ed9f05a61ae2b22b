import Glibc
import NetCore
import Netlink

/// A `NetlinkTransport` that plays back recorded kernel datagrams and records what is sent, so a
/// request's bytes and the parsing of the kernel's answers are checked without a kernel.
///
/// When the script runs out, a receive fails as a timed-out socket would (EAGAIN), so a request
/// that waits for more than was recorded fails instead of hanging.
final class ScriptedTransport: NetlinkTransport, @unchecked Sendable {
    private let lock = Lock()
    private var replies: [[UInt8]]
    private var sentDatagrams: [[UInt8]] = []

    /// A transport that answers with `replies`, one datagram per receive, in order.
    init(replies: [[UInt8]]) { self.replies = replies }

    /// Every datagram sent so far.
    var sent: [[UInt8]] { lock.withLock { sentDatagrams } }

    /// Datagrams of the script not yet received.
    var unread: Int { lock.withLock { replies.count } }

    /// Queues more datagrams (notifications for a monitor).
    func append(_ datagrams: [[UInt8]]) { lock.withLock { replies += datagrams } }

    func send(_ bytes: [UInt8]) throws(NetlinkError) { lock.withLock { sentDatagrams.append(bytes) } }

    func receive(into buffer: UnsafeMutableRawBufferPointer) throws(NetlinkError) -> Int {
        let next: [UInt8]? = lock.withLock { replies.isEmpty ? nil : replies.removeFirst() }
        guard let next else {
            usleep(1000)
            throw .socket(call: "recv", errno: EAGAIN)
        }
        let count = min(next.count, buffer.count)
        next.withUnsafeBytes { buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
        return next.count
    }

    func setReceiveTimeout(milliseconds: Int) throws(PatchbayError) {}
}

/// A `NetlinkTransport` in front of another (the kernel's) that keeps every datagram sent and
/// received, to check requests against the kernel and to record its answers as fixtures.
final class RecordingTransport: NetlinkTransport, @unchecked Sendable {
    private let lock = Lock()
    private let inner: any NetlinkTransport
    private var sentDatagrams: [[UInt8]] = []
    private var receivedDatagrams: [[UInt8]] = []

    init(_ inner: any NetlinkTransport) { self.inner = inner }

    var sent: [[UInt8]] { lock.withLock { sentDatagrams } }
    var received: [[UInt8]] { lock.withLock { receivedDatagrams } }

    func send(_ bytes: [UInt8]) throws(NetlinkError) {
        try inner.send(bytes)
        lock.withLock { sentDatagrams.append(bytes) }
    }

    func receive(into buffer: UnsafeMutableRawBufferPointer) throws(NetlinkError) -> Int {
        let count = try inner.receive(into: buffer)
        let datagram = Array(UnsafeRawBufferPointer(rebasing: buffer[0..<min(count, buffer.count)]))
        lock.withLock { receivedDatagrams.append(datagram) }
        return count
    }

    func setReceiveTimeout(milliseconds: Int) throws(PatchbayError) { try inner.setReceiveTimeout(milliseconds: milliseconds) }
}
