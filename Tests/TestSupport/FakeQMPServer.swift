import CLinuxUAPI
import Foundation
import Glibc
import HostOS
import QMP

/// The QEMU side of a socketpair, scripted (for unit tests of QMP users without QEMU): it sends a greeting, then answers each line the client
/// sends with whatever `respond` returns, and records every line (golden exchanges) and every
/// descriptor that arrived with one.
public final class FakeQMPServer: @unchecked Sendable {
    /// QEMU 7.2's greeting.
    public static let greeting = #"{"QMP": {"version": {"qemu": {"micro": 0, "minor": 2, "major": 7}, "package": "Debian 1:7.2+dfsg-7+deb12u18"}, "capabilities": ["oob"]}}"#

    /// The client's end: give it to `QMPConnection(descriptor:)`, which takes ownership.
    public let clientDescriptor: Int32
    private let serverDescriptor: Int32
    private let lock = NSLock()
    private var lines: [String] = []
    private var descriptors: [Int32] = []
    private let respond: @Sendable (String) -> [String]

    /// `respond` maps a received line to the lines to send back (events and/or replies).
    public init(respond: @escaping @Sendable (String) -> [String]) throws {
        var pair: [Int32] = [0, 0]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &pair) == 0 else {
            throw POSIXError(.EMFILE)
        }
        clientDescriptor = pair[0]
        serverDescriptor = pair[1]
        self.respond = respond
        send([FakeQMPServer.greeting])
        _ = HostThread { [self] in serve() }.start()
    }

    /// Lines received so far.
    public var received: [String] {
        lock.lock()
        defer { lock.unlock() }
        return lines
    }

    /// Descriptors received so far (close-on-exec copies owned by the server).
    public var receivedDescriptors: [Int32] {
        lock.lock()
        defer { lock.unlock() }
        return descriptors
    }

    /// Sends lines (events, replies) to the client now.
    public func send(_ replies: [String]) {
        let bytes = Array(replies.map { $0 + "\r\n" }.joined().utf8)
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { write(serverDescriptor, $0.baseAddress, $0.count) }
            guard sent > 0 else { return }
            offset += sent
        }
    }

    /// Closes QEMU's side, as when QEMU exits.
    public func hangUp() { shutdown(serverDescriptor, Int32(SHUT_RDWR)) }

    private func serve() {
        var pending: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            var fd: Int32 = -1
            let count = chunk.withUnsafeMutableBytes { pb_receive_with_fd(serverDescriptor, $0.baseAddress, UInt($0.count), &fd) }
            guard count > 0 else { break }
            if fd >= 0 {
                lock.lock()
                descriptors.append(fd)
                lock.unlock()
            }
            pending.append(contentsOf: chunk[0..<count])
            while let newline = pending.firstIndex(of: 0x0A) {
                let line = String(decoding: pending[..<newline], as: UTF8.self)
                pending.removeSubrange(...newline)
                lock.lock()
                lines.append(line)
                lock.unlock()
                send(respond(line))
            }
        }
        close(serverDescriptor)
    }

    /// A reply to `line` with an empty return, QEMU's answer to most commands.
    public static func emptyReturn(to line: String) -> [String] {
        [#"{"return": {}, "id": \#(id(of: line))}"#]
    }

    /// The `id` of a command line.
    public static func id(of line: String) -> Int64 {
        (try? JSONValue.parse(line))?["id"]?.integerValue ?? -1
    }

    /// The command name of a line.
    public static func command(of line: String) -> String {
        (try? JSONValue.parse(line))?["execute"]?.stringValue ?? ""
    }
}
