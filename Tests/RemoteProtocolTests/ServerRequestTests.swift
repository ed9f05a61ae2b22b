import Testing
import NetCore
@testable import RemoteProtocol

/// The daemon-side classification of client packets.
@Suite("server requests")
struct ServerRequestTests {
    @Test("every captured client CALL classifies as a known remote call", arguments: Captures.all.filter {
        $0.type == 0 && $0.program == ProgramNumber.remote.rawValue
    })
    func capturedCalls(_ captured: CapturedPacket) throws {
        let request = try ServerRequest.classify(try Packet(frame: captured.frame))
        guard case let .remoteCall(procedure, header, payload) = request else {
            Issue.record("not a remote call: \(request)")
            return
        }
        #expect(procedure.rawValue == captured.procedure && header.serial == captured.serial)
        let signature = try #require(procedure.signature)
        #expect(try signature.arguments.init(xdrBytes: payload).xdrBytes() == payload)
    }

    @Test("keepalive packets are recognised")
    func keepalive() throws {
        #expect(try ServerRequest.classify(Packet.keepalive(.ping)) == .keepalivePing)
        #expect(try ServerRequest.classify(Packet.keepalive(.pong)) == .keepalivePong)
    }

    /// Calls a daemon must answer with an error reply carrying the call's serial.
    static let rejectedCalls: [PacketHeader] = [
        PacketHeader(program: .qemu, procedure: 1, type: .call, serial: 7),
        PacketHeader(program: .remote, version: 2, procedure: 1, type: .call, serial: 8),
        PacketHeader(program: .remote, procedure: 9999, type: .call, serial: 9),
        PacketHeader(program: .remote, procedure: 8, type: .call, serial: 10),
        PacketHeader(program: .remote, procedure: 315, type: .call, serial: 11),
        PacketHeader(program: .remote, procedure: 201, type: .stream, serial: 12),
        PacketHeader(program: .remote, procedure: 46, type: .callWithFDs, serial: 13),
        PacketHeader(program: .keepalive, procedure: 3, type: .message, serial: 0),
    ]

    @Test("unknown programs, versions, procedures and streams get an RPC error reply", arguments: rejectedCalls)
    func rejected(_ header: PacketHeader) throws {
        do {
            _ = try ServerRequest.classify(Packet(header: header))
            Issue.record("accepted \(header)")
        } catch let rejection as ServerRejection {
            let reply = try #require(rejection.reply)
            #expect(reply.header.serial == header.serial && reply.header.type == .reply)
            #expect(reply.header.status == .error)
            let remote = try reply.decodePayload(as: RemoteError.self)
            #expect(remote.code == ErrorCode.rpc.rawValue && remote.domain == ErrorDomain.rpc.rawValue)
        }
    }

    @Test("stray replies and messages from a client get no answer", arguments: [MessageType.reply, .message])
    func stray(_ type: MessageType) {
        let header = PacketHeader(program: .remote, procedure: 46, type: type, serial: 1)
        #expect(throws: ServerRejection(header: nil, error: .unsupportedMessageType(type))) {
            _ = try ServerRequest.classify(Packet(header: header))
        }
    }

    @Test("Patchbay's program is handed to the daemon's own table")
    func patchbay() throws {
        let header = PacketHeader(program: .patchbay, procedure: 1, type: .call, serial: 3)
        #expect(try ServerRequest.classify(Packet(header: header)) == .patchbayCall(header: header, payload: []))
    }

    @Test("read-only connections refuse mutating procedures only", arguments: RemoteProcedure.allCases)
    func readOnly(_ procedure: RemoteProcedure) {
        #expect(procedure.refusal(readOnly: false) == nil)
        let refusal = procedure.refusal(readOnly: true)
        #expect((refusal != nil) == procedure.isMutating)
        #expect(refusal.map { $0.code == .operationDenied } ?? true)
    }

    @Test("malformed arguments become an RPC error for the client")
    func badArguments() {
        #expect(throws: PatchbayError.self) {
            _ = try RemoteProcedure.networkLookupByName.decodeArguments(StringMessage.self, from: [0, 0, 0, 9])
        }
    }

    @Test("libvirt names are unique and well formed", arguments: RemoteProcedure.allCases)
    func names(_ procedure: RemoteProcedure) {
        let name = procedure.libvirtName
        #expect(name.hasPrefix("REMOTE_PROC_") && !name.contains("__") && name == name.uppercased())
        #expect(RemoteProcedure.allCases.filter { $0.libvirtName == name }.count == 1)
    }
}

/// NO_SUPPORT answers, checked against libvirtd's captured bytes.
@Suite("unsupported procedures")
struct UnsupportedProcedureTests {
    @Test("NO_SUPPORT replies match libvirtd byte for byte", arguments: UnsupportedErrorCaptures.all)
    func unsupported(_ number: Int32, _ capturedPrefix: String) throws {
        let procedure = try RemoteProcedure(number: number)
        let call = PacketHeader(program: .remote, procedure: number, type: .call, serial: 5)
        let reply = Packet.errorReply(to: call, error: procedure.unsupportedError)
        #expect(hex(reply.payload).hasPrefix(capturedPrefix))
    }

    @Test("API names follow libvirt's public functions", arguments: [
        (RemoteProcedure.networkCreate, "virNetworkCreate"),
        (.networkGetXMLDesc, "virNetworkGetXMLDesc"),
        (.networkPortCreateXML, "virNetworkPortCreateXML"),
        (.connectListAllNetworks, "virConnectListAllNetworks"),
        (.nodeDeviceDettach, "virNodeDeviceDettach"),
    ])
    func apiNames(_ procedure: RemoteProcedure, _ expected: String) {
        #expect(procedure.apiName == expected)
    }

    @Test("a read-only refusal names the API in its domain")
    func readOnlyMessage() {
        let refusal = RemoteProcedure.networkCreate.refusal(readOnly: true)
        #expect(refusal?.message == "operation forbidden: read only access prevents virNetworkCreate")
        #expect(refusal?.domain == .network)
    }
}
