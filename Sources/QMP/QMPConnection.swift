import CLinuxUAPI
import Glibc
import HostOS
import NetCore

/// A client of one QEMU's QMP monitor socket.
///
/// Connecting reads QEMU's greeting and enables commands (`qmp_capabilities`). Commands are
/// synchronous and may come from any thread; each carries an `id`, so its reply is found whatever
/// else arrives. A reader thread receives everything QEMU sends, in order: events go to the event
/// handler one at a time, in wire order, and every event QEMU sent before a command's reply has
/// been handled when that command returns. The handler runs on the reader thread: it must not
/// call `execute` itself (that would wait for a reply only the reader thread can receive).
///
/// QEMU's `-qmp unix:PATH,server=on,wait=off` accepts a new client once the previous one left, so
/// a restarted daemon simply connects again.
public final class QMPConnection: @unchecked Sendable {
    /// Receives events in the order QEMU sent them.
    public typealias EventHandler = @Sendable (QMPEvent) -> Void

    /// What QEMU announced.
    public let greeting: QMPGreeting
    private let core: QMPChannel

    /// Connects to the monitor socket at `path`, retrying for up to `timeout` seconds while QEMU
    /// has not created it yet, and negotiates capabilities.
    public static func connect(path: String, timeout: Double = 10, events: EventHandler? = nil,
                               disconnected: (@Sendable () -> Void)? = nil) throws(PatchbayError) -> QMPConnection {
        let fd = try UnixStream.connect(path: path, timeout: timeout)
        return try QMPConnection(descriptor: fd, timeout: timeout, events: events, disconnected: disconnected)
    }

    /// Speaks QMP over an already connected stream socket, which it now owns (tests use one end of
    /// a socketpair).
    public init(descriptor: Int32, timeout: Double = 10, events: EventHandler? = nil,
                disconnected: (@Sendable () -> Void)? = nil) throws(PatchbayError) {
        let core = QMPChannel(descriptor: descriptor, events: events, disconnected: disconnected)
        do throws(PatchbayError) {
            guard case .greeting(let greeting) = try QMPIncoming(core.readMessage(timeout: timeout)) else {
                throw PatchbayError(.internalError, "QEMU monitor did not start with a greeting", domain: .qemu)
            }
            self.greeting = greeting
            self.core = core
            guard core.startReader() else { throw PatchbayError.internalError("cannot start the QMP reader thread") }
            _ = try execute("qmp_capabilities", timeout: timeout)
        } catch {
            core.shutdown()
            throw error
        }
    }

    /// Runs `command` and returns its `return` value; QEMU's refusal becomes libvirt's
    /// "unable to execute QEMU command" error. `passing` attaches a descriptor (SCM_RIGHTS) to the
    /// command, for `getfd` and `add-fd`.
    @discardableResult
    public func execute(_ command: String, _ arguments: [String: JSONValue] = [:], passing descriptor: Int32? = nil,
                        timeout: Double = 30) throws(PatchbayError) -> JSONValue {
        switch try reply(command, arguments, passing: descriptor, timeout: timeout) {
        case .success(let value): return value
        case .failure(let refusal): throw refusal.patchbayError(command: command)
        }
    }

    /// Like `execute`, but QEMU's refusal is returned with its error class, for callers that
    /// treat some classes (e.g. `DeviceNotFound`) as an answer rather than a failure. Throws only
    /// when no reply came (timeout, closed monitor).
    public func reply(_ command: String, _ arguments: [String: JSONValue] = [:], passing descriptor: Int32? = nil,
                      timeout: Double = 30) throws(PatchbayError) -> Result<JSONValue, QMPError> {
        try core.call(command, arguments, descriptor: descriptor, timeout: timeout)
    }

    /// `getfd`: hands QEMU `descriptor` under `name` (then `netdev_add ... fd=NAME`).
    public func getfd(name: String, descriptor: Int32) throws(PatchbayError) {
        try execute("getfd", ["fdname": .string(name)], passing: descriptor)
    }

    /// `closefd`: makes QEMU forget a descriptor it received with `getfd` and did not use.
    public func closefd(name: String) throws(PatchbayError) {
        try execute("closefd", ["fdname": .string(name)])
    }

    /// `add-fd`: puts `descriptor` into an fd set (a new one when `fdset` is nil); returns the set
    /// and the descriptor's number inside QEMU (usable as `/dev/fdset/N`).
    public func addFD(_ descriptor: Int32, fdset: Int64? = nil, opaque: String? = nil) throws(PatchbayError) -> (fdset: Int64, fd: Int64) {
        var arguments: [String: JSONValue] = [:]
        if let fdset { arguments["fdset-id"] = .integer(fdset) }
        if let opaque { arguments["opaque"] = .string(opaque) }
        let result = try execute("add-fd", arguments, passing: descriptor)
        guard let set = result["fdset-id"]?.integerValue, let fd = result["fd"]?.integerValue else {
            throw PatchbayError(.internalError, "unexpected reply to add-fd: \(result)", domain: .qemu)
        }
        return (set, fd)
    }

    /// False once QEMU closed the monitor (it exited) or `close` was called.
    public var isOpen: Bool { core.isOpen }

    /// Leaves the monitor; QEMU keeps running and accepts a new client.
    public func close() { core.shutdown() }

    deinit { core.shutdown() }
}
