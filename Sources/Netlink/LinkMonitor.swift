import CLinuxUAPI
import Glibc
import HostOS
import NetCore

/// A change to the set of links or their carrier, as a management application wants to hear it.
public enum LinkEvent: Sendable, Equatable {
    /// A link appeared.
    case appeared(LinkInfo)
    /// A link's carrier (or up/down state) changed.
    case changed(LinkInfo)
    /// A link disappeared.
    case disappeared(index: Int32, name: String)
}

/// Watches RTNLGRP_LINK and reports links appearing, disappearing and changing carrier.
///
/// A dedicated thread blocks on the multicast socket; events arrive through an `AsyncStream`
/// in kernel order. `stop()` ends the stream within one receive timeout.
public final class LinkMonitor: @unchecked Sendable {
    /// Events in the order the kernel sent them.
    public let events: AsyncStream<LinkEvent>
    private let continuation: AsyncStream<LinkEvent>.Continuation
    private let socket: NetlinkSocket
    private let state = Lock()
    private var running = true
    private var known: [Int32: LinkInfo] = [:]

    /// The multicast groups a monitor's socket joins: link changes only (RTMGRP_LINK).
    public static let groups = UInt32(RTMGRP_LINK)

    /// Starts monitoring the calling thread's namespace, or the namespace file at `namespace`.
    public convenience init(namespace: String? = nil) throws(PatchbayError) {
        if let namespace {
            try self.init(socket: NetlinkSocket(namespace: namespace, groups: Self.groups))
        } else {
            try self.init(socket: NetlinkSocket(groups: Self.groups))
        }
    }

    /// Starts monitoring over `socket`, which must have joined `groups`: the links it dumps now are
    /// the baseline, and only later notifications are events.
    public init(socket: NetlinkSocket) throws(PatchbayError) {
        self.socket = socket
        try socket.setReceiveTimeout(milliseconds: 200)
        (events, continuation) = AsyncStream.makeStream(of: LinkEvent.self, bufferingPolicy: .unbounded)
        for link in try Rtnetlink(socket: socket).links() { known[link.index] = link }
        let thread = HostThread { [self] in self.loop() }
        guard thread.start() else { throw .internalError("cannot start the link monitor thread") }
    }

    /// Stops the monitor and finishes the event stream.
    public func stop() {
        state.withLock { running = false }
    }

    private var isRunning: Bool { state.withLock { running } }

    private func loop() {
        while isRunning {
            let messages: [(type: UInt16, body: ArraySlice<UInt8>)]
            do { messages = try socket.nextNotifications() } catch .socket(_, let code) where code == EAGAIN || code == EINTR {
                continue
            } catch .malformed {
                // A datagram that cannot be read whole is dropped; the next one is read as usual.
                continue
            } catch {
                break
            }
            for message in messages {
                guard let link = try? LinkInfo(body: message.body) else { continue }
                if let event = classify(type: message.type, link: link) { continuation.yield(event) }
            }
        }
        continuation.finish()
    }

    private func classify(type: UInt16, link: LinkInfo) -> LinkEvent? {
        if type == UInt16(RTM_DELLINK) {
            known[link.index] = nil
            return .disappeared(index: link.index, name: link.name)
        }
        guard type == UInt16(RTM_NEWLINK) else { return nil }
        defer { known[link.index] = link }
        guard let previous = known[link.index] else { return .appeared(link) }
        return previous.carrier != link.carrier || previous.isUp != link.isUp ? .changed(link) : nil
    }
}
