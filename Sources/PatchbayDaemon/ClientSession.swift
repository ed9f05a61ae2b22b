import NIOConcurrencyHelpers
import NIOCore
import NetCore

/// One client connection's state, shared by its socket handler and the worker threads that run
/// its calls (several at once: libvirt clients may have many calls outstanding).
public final class ClientSession: @unchecked Sendable {
    /// Daemon-wide connection number, for logs and event registrations.
    public let id: UInt64
    /// The socket it came in on.
    public let role: SocketRole
    /// The channel, for event delivery.
    let channel: Channel
    private let lock = NIOLock()
    private var _credentials: PeerCredentials?
    private var _opened = false
    private var _openedReadOnly = false
    private var _uri: String?

    init(id: UInt64, role: SocketRole, channel: Channel) {
        self.id = id
        self.role = role
        self.channel = channel
    }

    /// The peer, once SO_PEERCRED was read.
    public var credentials: PeerCredentials? {
        get { lock.withLock { _credentials } }
        set { lock.withLock { _credentials = newValue } }
    }

    /// CONNECT_OPEN succeeded and CONNECT_CLOSE has not come yet.
    public var isOpen: Bool { lock.withLock { _opened } }

    /// Read-only: the `-ro` socket, or CONNECT_OPEN with VIR_CONNECT_RO (`virsh -r`).
    public var isReadOnly: Bool { role.readOnly || lock.withLock { _openedReadOnly } }

    /// The URI the client opened, as it sent it.
    public var uri: String? { lock.withLock { _uri } }

    /// Records CONNECT_OPEN.
    func open(uri: String?, readOnly: Bool) {
        lock.withLock {
            _opened = true
            _openedReadOnly = readOnly
            _uri = uri
        }
    }

    /// Records CONNECT_CLOSE.
    func close() { lock.withLock { _opened = false } }

    /// The refusal for a peer that is not root: libvirt would ask polkit, Patchbay allows only
    /// root and says so instead of pretending (no silent access).
    var accessRefusal: PatchbayError? {
        guard let peer = credentials else {
            return PatchbayError(.operationDenied, "access denied: the peer's credentials could not be read", domain: .remote)
        }
        guard peer.uid != 0 else { return nil }
        return PatchbayError(.operationDenied,
                             "access denied: patchbayd serves only root (uid 0); this client runs as uid \(peer.uid) (pid \(peer.pid))",
                             domain: .remote)
    }
}
