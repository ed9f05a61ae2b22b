import Foundation
import GuestDriver
import NetCore
@testable import PatchbayDaemon
import RemoteProtocol
import Testing

/// virtqemud's dispatch byte for byte, over a bare socket to a daemon with a fake guest driver.
@Suite("domain dispatch", .serialized)
struct DomainDispatchTests {
    @Test("replies carry remote_protocol.x's layouts; old-style events arrive as DOMAIN_EVENT_LIFECYCLE")
    func repliesAndLegacyEvents() async throws {
        try await DomainDaemonHarness.with { daemon in
            let raw = try RawConnection(path: daemon.socket)
            try raw.handshake()
            try raw.call(.connectGetType, serial: 2, XDRVoid())
            var reply = try #require(try raw.receive())
            #expect(try reply.decodePayload(as: StringMessage.self).value == "QEMU")
            try raw.call(.connectDomainEventRegister, serial: 3, XDRVoid())
            reply = try #require(try raw.receive())
            #expect(try reply.decodePayload(as: IntRet.self).value == 1)

            try raw.call(.domainDefineXML, serial: 4, StringMessage(DomainDaemonHarness.guestXML("g4")))
            // The event and the reply race; both must come.
            var packets = [try #require(try raw.receive()), try #require(try raw.receive())]
            let event = try #require(packets.first { $0.header.type == .message })
            #expect(event.header.procedure == RemoteProcedure.domainEventLifecycle.rawValue)
            // name "g4", the UUID, id -1, DEFINED (0), ADDED (0).
            let expectedEvent = ["00000002", "67340000", "9f2c4e1a7b3d4c5e8f6a1b2c3d4e5f60", "ffffffff", "00000000", "00000000"]
            #expect(Self.hex(event.payload) == expectedEvent.joined())
            reply = try #require(packets.first { $0.header.type == .reply })
            #expect(reply.header.serial == 4 && reply.header.status == .ok)
            let domain = try reply.decodePayload(as: DomainMessage.self).domain

            try raw.call(.domainGetState, serial: 5, DomainFlagsArgs(domain: domain))
            reply = try #require(try raw.receive())
            // SHUTOFF (5), reason SHUTDOWN (1) as the fake keeps it.
            #expect(Self.hex(reply.payload) == "0000000500000001")
            try raw.call(.domainGetInfo, serial: 6, DomainMessage(domain))
            reply = try #require(try raw.receive())
            let expectedInfo = ["00000005", "0000000000020000", "0000000000020000", "00000001", "0000000000000000"]
            #expect(Self.hex(reply.payload) == expectedInfo.joined())

            // Unknown flag bits are refused the way libvirt's QEMU driver does.
            try raw.call(.domainGetXMLDesc, serial: 7, DomainFlagsArgs(domain: domain, flags: 0x100))
            reply = try #require(try raw.receive())
            let error = try reply.decodePayload(as: RemoteError.self)
            // libvirtd 9.0 answers this very call so: code 8, VIR_FROM_QEMU, the driver's function.
            #expect(error.code == ErrorCode.invalidArg.rawValue && error.domain == ErrorDomain.qemu.rawValue)
            #expect(error.message == "unsupported flags (0x100) in function qemuDomainGetXMLDesc")

            try raw.call(.connectDomainEventDeregister, serial: 8, XDRVoid())
            reply = try #require(try raw.receive())
            #expect(try reply.decodePayload(as: IntRet.self).value == 0)
            try raw.call(.domainUndefine, serial: 9, DomainMessage(domain))
            packets = [try #require(try raw.receive())]
            #expect(packets[0].header.type == .reply && packets[0].header.serial == 9, "no event after deregistering")
        }
    }

    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }

    @Test("guest calls run on the worker threads, never on the socket loop")
    func offTheLoop() async throws {
        try await DomainDaemonHarness.with { daemon in
            let xml = try daemon.file("g5.xml", DomainDaemonHarness.guestXML("g5"))
            #expect(try daemon.virsh("define", xml).status == 0)
            #expect(try daemon.virsh("start", "g5").status == 0)
            #expect(try daemon.virsh("domstate", "g5").status == 0)
            let threads = daemon.domains.callThreads
            #expect(threads.count >= 3)
            for thread in threads { #expect(!thread.hasPrefix("NIO-ELT"), "\(threads)") }
        }
    }
}
