import CLinuxUAPI
import Glibc
import Netlink
import TestSupport
import Testing

/// The session of `NetlinkSessionCase`s against the kernel, in a namespace of its own: the kernel
/// accepts every request, the bytes sent are the hand-written ones, and the answers parse as the
/// cases expect.
///
/// With PATCHBAY_RECORD_NETLINK=FILE set, the kernel's answers are also written to FILE as the
/// Swift source of `RecordedReplies` (how the replay fixtures were made).
@Suite("Netlink session against the kernel", .serialized)
struct NetlinkKernelSessionTests {
    @Test func kernelAcceptsEveryRequestAsWritten() throws {
        try TestNamespace.with { ns in
            let namespaceFD = open(ns.path, O_RDONLY | O_CLOEXEC)
            try #require(namespaceFD >= 0)
            try #require(dup2(namespaceFD, NetlinkSessionCase.namespaceFD) == NetlinkSessionCase.namespaceFD)
            close(namespaceFD)
            defer { close(NetlinkSessionCase.namespaceFD) }
            var recorded: [(name: String, datagrams: [[UInt8]])] = []
            for session in NetlinkSessionCase.all {
                if !session.prepare.isEmpty { try ns.exec(session.prepare) }
                let transport = RecordingTransport(try KernelNetlinkTransport(namespace: ns.path, protocol: session.netlinkProtocol))
                try session.run(NetlinkSocket(transport: transport, firstSequence: 1))
                #expect(transport.sent.map { Hex.string($0) } == session.requests.map { Hex.string(Hex.bytes($0)) },
                        "\(session.name): sent other bytes than written")
                recorded.append((session.name, transport.received))
            }
            if let path = getenv("PATCHBAY_RECORD_NETLINK") {
                try Self.source(recorded).write(toFile: String(cString: path))
            }
        }
    }

    static func source(_ recorded: [(name: String, datagrams: [[UInt8]])]) -> String {
        var text = """
        // The kernel's answers to the session of NetlinkSessionCase, recorded in a fresh network
        // namespace by NetlinkKernelSessionTests with PATCHBAY_RECORD_NETLINK set: one hex string per
        // datagram received. Port ids (nlmsg_pid) are those the kernel gave the recording sockets.
        extension RecordedReplies {
            static let datagrams: [String: [String]] = [

        """
        for (name, datagrams) in recorded {
            text += "        \"\(name)\": [\n"
            for datagram in datagrams {
                let lines = Hex.string(datagram).split(separator: "\n").map { "            \($0)" }.joined(separator: "\n")
                text += "            \"\"\"\n\(lines)\n            \"\"\",\n"
            }
            text += "        ],\n"
        }
        return text + "    ]\n}\n"
    }
}

extension String {
    fileprivate func write(toFile path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw TestNamespace.CommandFailed(description: "cannot write \(path)") }
        defer { close(fd) }
        let bytes = Array(utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            guard written > 0 else { throw TestNamespace.CommandFailed(description: "cannot write \(path)") }
            offset += written
        }
    }
}
