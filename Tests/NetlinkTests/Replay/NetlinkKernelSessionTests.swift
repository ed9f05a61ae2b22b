import CLinuxUAPI
import Glibc
import Netlink
import TestSupport
import Testing

/// The session of `NetlinkSessionCase`s against the kernel, in a namespace of its own: the kernel
/// accepts every request, the bytes sent are the hand-written ones, and the answers parse as the
/// cases expect.
///
/// With PATCHBAY_RECORD_NETLINK=DIR set, the kernel's answers are also written to DIR as
/// `RecordedReplies` fixture files (how the replay fixtures were made).
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
            if let directory = getenv("PATCHBAY_RECORD_NETLINK") {
                for (name, datagrams) in recorded { try RecordedReplies.record(datagrams, as: name, in: String(cString: directory)) }
            }
        }
    }
}
