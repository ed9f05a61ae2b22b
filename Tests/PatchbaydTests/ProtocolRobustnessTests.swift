import Foundation
import Glibc
import NetCore
import PatchbayClient
import RemoteProtocol
import Testing

/// Malformed and hostile traffic: the daemon answers what deserves an answer, drops what
/// cannot be framed, and keeps serving everyone else.
@Suite("protocol robustness", .serialized)
struct ProtocolRobustnessTests {
    /// A well-behaved client still gets answers.
    static func healthy(_ daemon: DaemonHarness) throws -> Bool {
        let client = try NetworkClient(socketPath: daemon.networkSocket)
        defer { client.close() }
        _ = try client.list()
        return daemon.isRunning
    }

    @Test("truncated packets and a client vanishing mid-packet")
    func truncated() throws {
        try DaemonHarness.with { daemon in
            let bytes = try Packet.call(.authList, serial: 0, args: XDRVoid()).encoded()
            do {
                let raw = try RawConnection(path: daemon.networkSocket)
                raw.send(Array(bytes.prefix(10)))
                #expect(try raw.receive(timeout: 300) == nil)
                // The rest arrives later: the daemon completes the frame and answers.
                raw.send(Array(bytes.dropFirst(10)))
                #expect(try raw.receive()?.header.status == .ok)
            }
            for cut in [1, 3, 4, 20, 27] {
                let raw = try RawConnection(path: daemon.networkSocket)
                raw.send(Array(bytes.prefix(cut)))
            }
            #expect(try Self.healthy(daemon))
        }
    }

    @Test("a second daemon on the same sockets refuses to start; the first keeps serving")
    func secondDaemonRefused() throws {
        try DaemonHarness.with { daemon in
            let result = try Shell.run(DaemonHarness.binary, ["--socket-dir", daemon.socketDirectory, "--config-dir", "\(daemon.root)/etc2",
                                                              "--state-dir", "\(daemon.root)/run2", "--host", "inert"])
            #expect(result.status != 0)
            #expect(result.errors.contains("another daemon is already listening on"), "\(result)")
            #expect(try Self.healthy(daemon))
        }
    }

    @Test("wrong program, wrong version, unknown procedure and streams get error replies")
    func wrongProgramAndVersion() throws {
        try DaemonHarness.with { daemon in
            let raw = try RawConnection(path: daemon.networkSocket)
            try raw.handshake()
            try raw.send(Packet(header: PacketHeader(program: ProgramNumber(rawValue: 0x1234_5678), procedure: 1, type: .call, serial: 7)))
            var reply = try #require(try raw.receive())
            #expect(reply.header.serial == 7 && reply.header.type == .reply && reply.header.status == .error)
            #expect(try reply.decodePayload(as: RemoteError.self).code == ErrorCode.rpc.rawValue)
            try raw.send(Packet(header: PacketHeader(program: .remote, version: 2, procedure: 66, type: .call, serial: 8)))
            reply = try #require(try raw.receive())
            #expect(reply.header.serial == 8 && reply.header.status == .error)
            try raw.send(Packet(header: PacketHeader(program: .remote, procedure: 9999, type: .call, serial: 9)))
            reply = try #require(try raw.receive())
            #expect(reply.header.serial == 9 && reply.header.status == .error)
            let unknown = try reply.decodePayload(as: RemoteError.self)
            #expect(unknown.message?.contains("unknown procedure: 9999") == true)
            try raw.send(Packet(header: PacketHeader(program: .remote, procedure: 46, type: .stream, serial: 10)))
            reply = try #require(try raw.receive())
            #expect(reply.header.serial == 10 && reply.header.status == .error)
            // The connection is still in service.
            try raw.call(.connectListAllNetworks, serial: 11, ListAllArgs(needResults: 1, flags: 0))
            reply = try #require(try raw.receive())
            #expect(reply.header.serial == 11 && reply.header.status == .ok)
            #expect(try Self.healthy(daemon))
        }
    }

    @Test("oversized and undersized lengths close only that connection, before any body is read")
    func badLengths() throws {
        try DaemonHarness.with { daemon in
            let bystander = try NetworkClient(socketPath: daemon.networkSocket)
            defer { bystander.close() }
            for length: UInt32 in [FrameLimits.maxPacketLength + 1, 0xFFFF_FFFF, 8, 0] {
                let raw = try RawConnection(path: daemon.networkSocket)
                raw.send([UInt8(length >> 24), UInt8((length >> 16) & 0xff), UInt8((length >> 8) & 0xff), UInt8(length & 0xff)])
                #expect(raw.closesWithin(milliseconds: 2000), "length \(length)")
            }
            // The largest legal packet is still read (and answered with an error for its junk).
            let raw = try RawConnection(path: daemon.networkSocket)
            try raw.handshake()
            let junk = [UInt8](repeating: 0x41, count: Int(FrameLimits.maxMessage) - PacketHeader.encodedLength)
            try raw.send(Packet(header: PacketHeader(program: .remote, procedure: 46, type: .call, serial: 5), payload: junk))
            let reply = try #require(try raw.receive(timeout: 20_000))
            #expect(reply.header.serial == 5 && reply.header.status == .error)
            _ = try bystander.list()
            #expect(try Self.healthy(daemon))
        }
    }

    @Test("garbage XDR in a call is an RPC error for that call only")
    func garbageXDR() throws {
        try DaemonHarness.with { daemon in
            let raw = try RawConnection(path: daemon.networkSocket)
            try raw.handshake()
            for (serial, payload) in [[0xff, 0xff, 0xff, 0xff], [0, 0, 0, 9, 0x41], [], [0, 0, 0, 1, 0x41, 0, 0, 0, 9]].enumerated() {
                try raw.send(Packet(header: PacketHeader(program: .remote, procedure: 46, type: .call, serial: UInt32(100 + serial)),
                                    payload: payload.map { UInt8($0) }))
                let reply = try #require(try raw.receive())
                #expect(reply.header.serial == UInt32(100 + serial) && reply.header.status == .error)
                #expect(try reply.decodePayload(as: RemoteError.self).code == ErrorCode.rpc.rawValue)
            }
            // A header with an impossible type cannot be framed further: that connection ends.
            var bytes = try Packet.call(.authList, serial: 1, args: XDRVoid()).encoded()
            bytes[19] = 99
            raw.send(bytes)
            #expect(raw.closesWithin(milliseconds: 2000))
            #expect(try Self.healthy(daemon))
        }
    }

    @Test("a client vanishing mid-call does not disturb the daemon or the stored state")
    func vanishingClient() throws {
        try DaemonHarness.with { daemon in
            for index in 0..<20 {
                let raw = try RawConnection(path: daemon.networkSocket)
                try raw.handshake()
                try raw.call(.networkDefineXML, serial: 2, StringMessage(Fixtures.network("gone\(index)", bridge: "pbg\(index)")))
                // Closed without reading the reply.
            }
            let deadline = Date().addingTimeInterval(5)
            var count = 0
            while Date() < deadline {
                let client = try NetworkClient(socketPath: daemon.networkSocket)
                count = try client.list().count
                client.close()
                if count == 20 { break }
                usleep(50_000)
            }
            #expect(count == 20)
            try daemon.restart()
            let client = try NetworkClient(socketPath: daemon.networkSocket)
            defer { client.close() }
            #expect(try client.list().count == 20)
        }
    }

    @Test("keepalive: PINGs answered with PONG; the daemon PINGs idle clients and drops dead ones")
    func keepalive() throws {
        try DaemonHarness.with(arguments: ["--keepalive-interval", "1", "--keepalive-count", "2"]) { daemon in
            let raw = try RawConnection(path: daemon.networkSocket)
            try raw.send(Packet.keepalive(.ping))
            #expect(try raw.receive()?.keepaliveProcedure == .pong)
            try raw.call(.connectSupportsFeature, serial: 0, ConnectSupportsFeatureArgs(.programKeepalive))
            #expect(try raw.receive()?.header.status == .ok)
            // Answering keeps the connection: three rounds of PING/PONG.
            for _ in 0..<3 {
                let ping = try #require(try raw.receive(timeout: 2500))
                #expect(ping.keepaliveProcedure == .ping)
                try raw.send(Packet.keepalive(.pong))
            }
            // Silence: after two unanswered PINGs the daemon closes the connection.
            #expect(raw.closesWithin(milliseconds: 6000))
            #expect(try Self.healthy(daemon))
        }
    }

    @Test("many calls outstanding on one connection are matched by serial")
    func pipelinedCalls() throws {
        try DaemonHarness.with { daemon in
            let raw = try RawConnection(path: daemon.networkSocket)
            try raw.handshake()
            try raw.call(.networkDefineXML, serial: 2, StringMessage(Fixtures.network("pipe", bridge: "pbpipe")))
            _ = try raw.receive()
            var bytes: [UInt8] = []
            for serial in UInt32(10)..<UInt32(210) {
                let packet = serial % 2 == 0
                    ? try Packet.call(.networkLookupByName, serial: serial, args: StringMessage("pipe"))
                    : try Packet.call(.networkLookupByName, serial: serial, args: StringMessage("missing"))
                bytes += try packet.encoded()
            }
            raw.send(bytes)
            var seen: [UInt32: MessageStatus] = [:]
            while seen.count < 200, let reply = try raw.receive(timeout: 5000) { seen[reply.header.serial] = reply.header.status }
            #expect(seen.count == 200)
            #expect(seen.allSatisfy { ($0.key % 2 == 0) == ($0.value == .ok) })
        }
    }

    @Test("64 concurrent clients × 200 calls, while networks are defined: all answered, nothing lost")
    func concurrentClients() throws {
        try DaemonHarness.with { daemon in
            let setup = try NetworkClient(socketPath: daemon.networkSocket)
            let shared = try setup.define(xml: Fixtures.network("shared", bridge: "pbshared"))
            setup.close()
            let failures = FailureLog()
            let group = DispatchGroup()
            let started = Date()
            for index in 0..<64 {
                group.enter()
                Thread.detachNewThread {
                    defer { group.leave() }
                    do {
                        let client = try NetworkClient(socketPath: daemon.networkSocket)
                        defer { client.close() }
                        for call in 0..<200 {
                            switch call % 4 {
                            case 0: _ = try client.lookup("shared")
                            case 1: _ = try client.list()
                            case 2: _ = try client.xml(shared)
                            default:
                                if call == 3 {
                                    _ = try client.define(xml: Fixtures.network("c\(index)", bridge: "pbc\(index)"))
                                } else {
                                    _ = try client.status(shared)
                                }
                            }
                        }
                    } catch {
                        failures.add("client \(index): \(error)")
                    }
                }
            }
            group.wait()
            let seconds = Date().timeIntervalSince(started)
            print("64 clients × 200 calls in \(String(format: "%.2f", seconds)) s (\(Int(Double(64 * 200) / seconds)) calls/s)")
            #expect(failures.entries.isEmpty, "\(failures.entries.prefix(5))")
            try daemon.restart()
            let client = try NetworkClient(socketPath: daemon.networkSocket)
            defer { client.close() }
            #expect(try client.list().count == 65)
        }
    }
}

/// Thread-safe list of failures from client threads.
final class FailureLog: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [String] = []

    func add(_ item: String) { lock.withLock { items.append(item) } }
    var entries: [String] { lock.withLock { items } }
}
