import Glibc
import NIOCore

/// The connecting process as the kernel reports it (SO_PEERCRED), which access control uses.
public struct PeerCredentials: Sendable, Equatable, CustomStringConvertible {
    /// Process id.
    public var pid: Int32
    /// User id.
    public var uid: UInt32
    /// Group id.
    public var gid: UInt32

    public init(pid: Int32, uid: UInt32, gid: UInt32) {
        self.pid = pid
        self.uid = uid
        self.gid = gid
    }

    /// `pid=12 uid=0 gid=0`.
    public var description: String { "pid=\(pid) uid=\(uid) gid=\(gid)" }

    /// Reads the peer of a UNIX socket channel; fails when the channel offers no socket options.
    static func read(from channel: Channel) -> EventLoopFuture<PeerCredentials> {
        guard let provider = channel as? SocketOptionProvider else {
            return channel.eventLoop.makeFailedFuture(ChannelError.operationUnsupported)
        }
        let level = NIOBSDSocket.OptionLevel(rawValue: SOL_SOCKET)
        let name = NIOBSDSocket.Option(rawValue: SO_PEERCRED)
        // `struct ucred {pid_t pid; uid_t uid; gid_t gid;}`; Glibc hides the struct behind
        // _GNU_SOURCE, and a homogeneous tuple of three 32-bit words has the same layout.
        return provider.unsafeGetSocketOption(level: level, name: name).map { (value: (Int32, UInt32, UInt32)) in
            PeerCredentials(pid: value.0, uid: value.1, gid: value.2)
        }
    }
}
