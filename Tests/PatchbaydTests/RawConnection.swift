import Foundation
import Glibc
import RemoteProtocol

/// A bare socket to the daemon for robustness tests: sends any bytes, reads packets.
final class RawConnection {
    let fd: Int32
    private var frames = FrameDecoder()

    init(path: String) throws {
        // The descriptor is stored only once connected: a failed init must not leave deinit a
        // descriptor it already closed (closing a number another thread reuses by then).
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw HarnessError("socket: \(String(cString: strerror(errno)))") }
        var address = sockaddr_un()
        guard path.utf8.count < MemoryLayout.size(ofValue: address.sun_path) else {
            Glibc.close(fd)
            throw HarnessError("socket path too long: \(path)")
        }
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in path.utf8.enumerated() { raw[index] = byte }
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard result == 0 else {
            let failure = errno
            Glibc.close(fd)
            throw HarnessError("connect \(path): \(String(cString: strerror(failure)))")
        }
        self.fd = fd
    }

    deinit { Glibc.close(fd) }

    func send(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress.map { $0 + offset }, bytes.count - offset, Int32(MSG_NOSIGNAL)) }
            if written <= 0 { return }
            offset += written
        }
    }

    func send(_ packet: Packet) throws { send(try packet.encoded()) }

    /// A CALL of a REMOTE_PROGRAM procedure.
    func call<Args: XDREncodable>(_ procedure: RemoteProcedure, serial: UInt32, _ args: Args) throws {
        try send(Packet.call(procedure, serial: serial, args: args))
    }

    /// The next packet, nil on timeout; throws `Closed` when the daemon closed the connection.
    func receive(timeout milliseconds: Int32 = 3000) throws -> Packet? {
        let deadline = Date().addingTimeInterval(Double(milliseconds) / 1000)
        while true {
            if let packet = try frames.nextPacket() { return packet }
            let remaining = Int32(max(0, deadline.timeIntervalSinceNow * 1000))
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, remaining) > 0 else { return nil }
            var buffer = [UInt8](repeating: 0, count: 65_536)
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { throw Closed() }
            frames.feed(buffer.prefix(count))
        }
    }

    /// True when the daemon closes the connection within `timeout` ms (packets before that are skipped).
    func closesWithin(milliseconds: Int32) -> Bool {
        let deadline = Date().addingTimeInterval(Double(milliseconds) / 1000)
        while Date() < deadline {
            do {
                _ = try receive(timeout: Int32(max(1, deadline.timeIntervalSinceNow * 1000)))
            } catch {
                return true
            }
        }
        return false
    }

    /// The handshake virsh makes (AUTH_LIST, CONNECT_OPEN), serials 0 and 1.
    func handshake() throws {
        try call(.authList, serial: 0, XDRVoid())
        _ = try receive()
        try call(.connectOpen, serial: 1, ConnectOpenArgs(name: "network:///system"))
        _ = try receive()
    }

    struct Closed: Error {}
}
