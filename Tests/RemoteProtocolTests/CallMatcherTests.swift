import Testing
import NetCore
@testable import RemoteProtocol

/// The client-side call/reply bookkeeping.
@Suite("call matcher")
struct CallMatcherTests {
    static let probe1 = NetworkReference(
        name: "probe1", uuid: (try? LibvirtUUID("f9d26844-8368-4c1d-ae72-b1c740b2aa46")) ?? LibvirtUUID.random())

    @Test("serials start at 0 like virsh's and the handshake replays the capture")
    func handshakeSerials() throws {
        var matcher = CallMatcher<String>()
        let authList = try matcher.makeCall(.authList, args: XDRVoid(), context: "auth")
        let feature = try matcher.makeCall(
            .connectSupportsFeature, args: ConnectSupportsFeatureArgs(.programKeepalive), context: "keepalive")
        let open = try matcher.makeCall(.connectOpen, args: ConnectOpenArgs(name: "network:///system"), context: "open")
        #expect([authList, feature, open].map(\.header.serial) == [0, 1, 2])
        let captured = Captures.all.filter { $0.type == 0 }
        #expect(try authList.encoded() == captured.first { $0.procedure == 66 }?.frame)
        #expect(try feature.encoded() == captured.first { $0.procedure == 60 && $0.payloadHex == "0000000a" }?.frame)
        #expect(try open.encoded() == captured.first { $0.procedure == 1 && $0.serial == 2 }?.frame)
        #expect(matcher.outstandingCount == 3)
    }

    @Test("replies arriving out of order reach the right callers", arguments: [[0, 1, 2], [2, 0, 1], [1, 2, 0], [2, 1, 0]])
    func outOfOrder(_ order: [Int]) throws {
        var matcher = CallMatcher<Int>()
        let calls = try (0..<3).map { index in
            try matcher.makeCall(.networkIsActive, args: NetworkMessage(Self.probe1), context: index)
        }
        for index in order {
            let reply = try Packet.reply(to: calls[index].header, result: IntRet(Int32(index * 10)))
            guard case let .reply(serial, context, outcome) = try matcher.receive(reply) else {
                Issue.record("expected a reply")
                return
            }
            #expect(serial == calls[index].header.serial)
            #expect(context == index)
            #expect(try outcome.decode(IntRet.self) == IntRet(Int32(index * 10)))
        }
        #expect(matcher.outstandingCount == 0)
    }

    @Test("an error reply becomes the PatchbayError the server sent")
    func errorReply() throws {
        var matcher = CallMatcher<Void>()
        let call = try matcher.makeCall(.networkLookupByName, args: StringMessage("nope"), context: ())
        let error = PatchbayError(.noNetwork, "no network with matching name 'nope'")
        guard case let .reply(_, _, outcome) = try matcher.receive(Packet.errorReply(to: call.header, error: error)) else {
            Issue.record("expected a reply")
            return
        }
        #expect(throws: error) { _ = try outcome.decode(NetworkMessage.self) }
    }

    @Test("an unknown serial, a mismatched procedure or a CALL from the server are protocol errors")
    func protocolErrors() throws {
        var matcher = CallMatcher<Int>()
        let call = try matcher.makeCall(.connectClose, args: XDRVoid(), context: 1)
        var stray = call.header.reply(status: .ok)
        stray.serial = 99
        #expect(throws: ProtocolError.unexpectedReply(serial: 99)) { _ = try matcher.receive(Packet(header: stray)) }
        var wrong = call.header.reply(status: .ok)
        wrong.procedure = 3
        #expect(throws: ProtocolError.mismatchedReply(serial: call.header.serial, expected: 2, received: 3)) {
            _ = try matcher.receive(Packet(header: wrong))
        }
        #expect(throws: ProtocolError.unsupportedMessageType(.call)) { _ = try matcher.receive(call) }
        #expect(matcher.cancelAll() == [1])
    }

    @Test("events and keepalive are told apart from replies")
    func asynchronous() throws {
        var matcher = CallMatcher<Int>()
        let event = try Packet.networkLifecycleEvent(callbackID: 0, network: Self.probe1, event: .started)
        guard case let .event(packet) = try matcher.receive(event) else {
            Issue.record("expected an event")
            return
        }
        #expect(try packet.decodePayload(as: NetworkEventLifecycleMessage.self).lifecycleEvent == .started)
        guard case .keepalivePing = try matcher.receive(Packet.keepalive(.ping)) else {
            Issue.record("expected a ping")
            return
        }
        guard case .keepalivePong = try matcher.receive(Packet.keepalive(.pong)) else {
            Issue.record("expected a pong")
            return
        }
    }

    @Test("serials skip numbers still outstanding after wrap-around")
    func wrapAround() throws {
        var matcher = CallMatcher<Int>(firstSerial: UInt32.max)
        let first = try matcher.makeCall(.connectClose, args: XDRVoid(), context: 0)
        let second = try matcher.makeCall(.connectClose, args: XDRVoid(), context: 1)
        #expect(first.header.serial == UInt32.max && second.header.serial == 0)
    }
}
