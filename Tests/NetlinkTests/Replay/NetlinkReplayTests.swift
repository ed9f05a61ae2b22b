import CLinuxUAPI
import Glibc
import NetCore
import Netlink
import Testing

/// Every request the Netlink module sends, replayed without a kernel: the socket's transport
/// answers with what the kernel answered when the session was recorded, and records what is sent.
/// Sequence numbers are fixed (every case's socket numbers from 1), so the bytes are the same on
/// every run and must equal the hand-written ones.
@Suite("Netlink golden bytes and replayed answers")
struct NetlinkReplayTests {
    @Test(arguments: NetlinkSessionCase.all)
    func replay(_ session: NetlinkSessionCase) throws {
        let transport = ScriptedTransport(replies: try RecordedReplies.datagrams(session.name))
        try session.run(NetlinkSocket(transport: transport, firstSequence: 1))
        #expect(transport.sent.map { Hex.string($0) } == session.requests.map { Hex.string(Hex.bytes($0)) })
        #expect(transport.unread == 0, "every recorded answer is read, none is left over")
    }

    @Test func sequenceNumbersAreInjected() throws {
        let transport = ScriptedTransport(replies: [])
        let socket = NetlinkSocket(transport: transport, firstSequence: 0x1234_5678)
        #expect(throws: NetlinkError.socket(call: "recv", errno: EAGAIN)) {
            try socket.request(Rtnetlink.setLinkMessage(InterfaceName("x"), up: true))
        }
        #expect(transport.sent.first.map { Array($0[8..<12]) } == [0x78, 0x56, 0x34, 0x12])
    }

    /// The message types the session sends: every kind of request the module has.
    @Test func sessionCoversEveryRequestType() {
        var types: Set<UInt16> = []
        for session in NetlinkSessionCase.all {
            for request in session.requests {
                for message in (try? NetlinkDatagram.split(Hex.bytes(request)[...])) ?? [] { types.insert(message.type) }
            }
        }
        let rtnetlink: [Int] = [RTM_NEWLINK, RTM_DELLINK, RTM_GETLINK, RTM_NEWADDR, RTM_DELADDR, RTM_GETADDR,
                                  RTM_NEWROUTE, RTM_DELROUTE, RTM_NEWQDISC, RTM_DELQDISC, RTM_GETQDISC, RTM_NEWTCLASS]
        let nftables: [UInt16] = [0x0A01 /* GETTABLE */, 0x0A02 /* DELTABLE */, 0x10 /* BATCH_BEGIN */, 0x11 /* BATCH_END */]
        #expect(types == Set(rtnetlink.map { UInt16($0) } + nftables))
    }
}
