import Testing
import NetCore
@testable import RemoteProtocol

/// Golden bytes: packets captured between real virsh/libvirt-python 9.0 and libvirtd 9.0 must
/// decode with Patchbay's types and re-encode to the identical bytes.
@Suite("captured libvirt traffic")
struct CaptureTests {
    @Test("every captured frame parses and re-encodes byte for byte", arguments: Captures.all)
    func frameRoundTrip(_ captured: CapturedPacket) throws {
        let packet = try Packet(frame: captured.frame)
        #expect(packet.header.program.rawValue == captured.program)
        #expect(packet.header.procedure == captured.procedure)
        #expect(packet.header.serial == captured.serial)
        #expect(packet.payload == captured.payload)
        #expect(try packet.encoded() == captured.frame)
        try packet.header.validateProgram()
    }

    @Test("every captured procedure name matches Patchbay's table", arguments: Captures.all)
    func procedureNames(_ captured: CapturedPacket) throws {
        guard captured.program == ProgramNumber.remote.rawValue else {
            #expect(KeepaliveProcedure(rawValue: captured.procedure) != nil)
            return
        }
        let procedure = try RemoteProcedure(number: captured.procedure)
        #expect(procedure.libvirtName == captured.procedureName)
    }

    @Test("every captured payload decodes with its procedure's type and re-encodes identically",
          arguments: Captures.all.filter { $0.program == ProgramNumber.remote.rawValue })
    func payloadRoundTrip(_ captured: CapturedPacket) throws {
        let procedure = try RemoteProcedure(number: captured.procedure)
        let signature = try #require(procedure.signature, "no signature for \(procedure)")
        let type: any XDRCodable.Type
        switch (captured.type, captured.status) {
        case (0, _): type = signature.arguments
        case (2, _): type = signature.arguments
        case (1, 0): type = signature.result
        default: type = RemoteError.self
        }
        let value = try type.init(xdrBytes: captured.payload)
        #expect(hex(try value.xdrBytes()) == captured.payloadHex)
    }

    @Test("CONNECT_OPEN args: the README's worked example")
    func connectOpen() throws {
        let payload = bytes(hex: "00000001000000116e6574776f726b3a2f2f2f73797374656d00000000000000")
        let args = try ConnectOpenArgs(xdrBytes: payload)
        #expect(args == ConnectOpenArgs(name: "network:///system", flags: 0))
        #expect(try args.xdrBytes() == payload)
    }

    @Test("the captured NETWORK_PORT_CREATE_XML error is exactly what a PatchbayError encodes to")
    func portCreateError() throws {
        let captured = try #require(Captures.all.first { $0.procedure == 406 && $0.status == 1 })
        let remote = try RemoteError(xdrBytes: captured.payload)
        #expect(remote.code == 1)
        #expect(remote.domain == 19)
        #expect(remote.message == "internal error: network port has no owner name")
        #expect(remote.level == 2)
        #expect(remote.str1 == "internal error: %s")
        #expect(remote.str2 == "network port has no owner name")
        #expect(remote.str3 == nil && remote.domainObject == nil && remote.network == nil)
        #expect(remote.int1 == -1 && remote.int2 == -1)

        let error = PatchbayError(.internalError, "network port has no owner name", domain: .network)
        #expect(remote.patchbayError == error)
        let reply = Packet.errorReply(to: try Packet(frame: captured.frame).header, error: error)
        #expect(try reply.encoded() == captured.frame)
    }

    @Test("the captured lifecycle events decode into the four lifecycle codes")
    func lifecycleEvents() throws {
        let events = Captures.all.filter { $0.procedure == RemoteProcedure.networkEventLifecycle.rawValue }
        #expect(events.count == 4)
        let uuid = try LibvirtUUID("36aff2b3-6494-445b-b08f-1665d4c05802")
        var seen: [NetworkLifecycleEvent] = []
        for captured in events {
            let message = try NetworkEventLifecycleMessage(xdrBytes: captured.payload)
            #expect(message.callbackID == 0)
            #expect(message.network == NetworkReference(name: "probe1", uuid: uuid))
            seen += [message.lifecycleEvent].compactMap { $0 }
            // Patchbay sends serial 0 where libvirtd sent 1; clients ignore it, the rest is identical.
            let rebuilt = try Packet.networkLifecycleEvent(
                callbackID: 0, network: message.network, event: try #require(message.lifecycleEvent))
            #expect(rebuilt.payload == captured.payload)
            #expect(rebuilt.header.type == .message && rebuilt.header.procedure == 315)
        }
        #expect(Set(seen) == Set(NetworkLifecycleEvent.allCases))
    }

    @Test("keepalive PING and PONG are rebuilt byte for byte", arguments: [KeepaliveProcedure.ping, .pong])
    func keepalive(_ procedure: KeepaliveProcedure) throws {
        let captured = try #require(Captures.all.first {
            $0.program == ProgramNumber.keepalive.rawValue && $0.procedure == procedure.rawValue
        })
        #expect(try Packet.keepalive(procedure).encoded() == captured.frame)
        #expect(try Packet(frame: captured.frame).keepaliveProcedure == procedure)
    }

    @Test("the captured LIST_ALL_PORTS reply names the port on its network")
    func listAllPorts() throws {
        let captured = try #require(Captures.all.first { $0.procedure == 404 && $0.type == 1 && $0.payload.count > 8 })
        let ret = try NetworkListAllPortsRet(xdrBytes: captured.payload)
        #expect(ret.count == 1)
        #expect(ret.ports.first?.uuid.description == "11111111-2222-3333-4444-555555555555")
        #expect(ret.ports.first?.network.name == "probe1")
    }

    @Test("NETWORK_UPDATE args carry command 3 and section 9 in libvirt's order")
    func networkUpdate() throws {
        let captured = try #require(Captures.all.first { $0.procedure == 291 && $0.type == 0 })
        let args = try NetworkUpdateArgs(xdrBytes: captured.payload)
        #expect(args.command == 3 && args.section == 9 && args.parentIndex == -1 && args.flags == 3)
        #expect(args.xml == "<portgroup name='pg1'/>")
    }

    /// Error replies whose payload the capture tool cut at 160 bytes: Patchbay's encoding of the
    /// same error must begin with exactly those bytes.
    static let truncatedErrors: [(PatchbayError, String)] = [
        (PatchbayError(.noNetworkPort, "Network port with UUID 11111111-2222-3333-4444-555555555555 does not exist"),
         "0000006b0000001300000001000000626e6574776f726b20706f7274206e6f7420666f756e643a204e6574776f726b20706f7274207769746820555549442031313131313131312d323232322d333333332d343434342d35353535353535353535353520646f6573206e6f7420657869737400000000000200000000000000010000001a6e6574776f726b20706f7274206e6f7420666f756e643a2025730000"),
        (PatchbayError(.noSupport, "virConnectGetVersion", domain: .domain),
         "0000000300000014000000010000004d746869732066756e6374696f6e206973206e6f7420737570706f727465642062792074686520636f6e6e656374696f6e206472697665723a20766972436f6e6e65637447657456657273696f6e0000000000000200000000000000010000003b746869732066756e6374696f6e206973206e6f7420737570706f727465642062792074686520636f6e6e656374696f6e"),
        (PatchbayError(.operationInvalid, "network 'default' is not active"),
         "00000037000000130000000100000041526571756573746564206f7065726174696f6e206973206e6f742076616c69643a206e6574776f726b202764656661756c7427206973206e6f742061637469766500000000000002000000000000000100000024526571756573746564206f7065726174696f6e206973206e6f742076616c69643a202573000000010000001f6e6574776f726b202764656661756c74"),
    ]

    @Test("error replies match libvirtd's bytes for the same error", arguments: truncatedErrors)
    func errorPrefixes(_ error: PatchbayError, _ capturedPrefix: String) throws {
        let encoded = try RemoteError(error).xdrBytes()
        #expect(hex(encoded).hasPrefix(capturedPrefix))
        #expect(try RemoteError(xdrBytes: encoded).patchbayError == error)
    }
}
