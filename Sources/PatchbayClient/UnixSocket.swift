import Glibc
import NetCore

/// A connected UNIX stream socket with blocking writes and reads bounded by a timeout.
final class UnixSocket {
    private let fd: Int32
    private var closed = false

    /// Connects to `path`, failing with libvirt's wording so CLI errors read like virsh's.
    init(path: String) throws(PatchbayError) {
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw Self.systemError("Failed to create socket") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard bytes.count < capacity else {
            Glibc.close(fd)
            throw PatchbayError(.systemError, "Socket path \(path) too long for unix socket", domain: .rpc)
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in bytes.enumerated() { raw[index] = byte }
            raw[bytes.count] = 0
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard result == 0 else {
            let error = Self.systemError("Failed to connect socket to '\(path)'")
            Glibc.close(fd)
            throw error
        }
    }

    deinit { close() }

    /// Closes the socket (idempotent).
    func close() {
        guard !closed else { return }
        closed = true
        Glibc.close(fd)
    }

    /// Writes every byte or throws.
    func write(_ bytes: [UInt8]) throws(PatchbayError) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { raw in
                send(fd, raw.baseAddress.map { $0 + offset }, bytes.count - offset, Int32(MSG_NOSIGNAL))
            }
            if written < 0 {
                if errno == EINTR { continue }
                throw Self.systemError("Cannot write data")
            }
            offset += written
        }
    }

    /// Reads what is available, waiting at most `timeout` milliseconds (-1: forever); nil on
    /// timeout, empty at end of stream.
    func read(timeout: Int32) throws(PatchbayError) -> [UInt8]? {
        var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        while true {
            let ready = poll(&poller, 1, timeout)
            if ready < 0 && errno == EINTR { continue }
            if ready < 0 { throw Self.systemError("Cannot poll socket") }
            if ready == 0 { return nil }
            break
        }
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count < 0 && errno == EINTR { continue }
            if count < 0 { throw Self.systemError("Cannot recv data") }
            return Array(buffer.prefix(count))
        }
    }

    private static func systemError(_ what: String) -> PatchbayError {
        PatchbayError(.systemError, "\(what): \(String(cString: strerror(errno)))", domain: .rpc)
    }
}
