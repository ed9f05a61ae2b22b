import NetCore

extension Packet {
    /// A CALL of any program's procedure with encoded arguments.
    public static func call<Args: XDREncodable>(
        program: ProgramNumber, procedure: Int32, serial: UInt32, args: Args
    ) throws(XDRError) -> Packet {
        let header = PacketHeader(program: program, procedure: procedure, type: .call, serial: serial)
        return try Packet(header: header, body: args)
    }

    /// A CALL of a REMOTE_PROGRAM procedure.
    public static func call<Args: XDREncodable>(
        _ procedure: RemoteProcedure, serial: UInt32, args: Args
    ) throws(XDRError) -> Packet {
        try call(program: .remote, procedure: procedure.rawValue, serial: serial, args: args)
    }

    /// A successful REPLY to `call` carrying `result` (use `XDRVoid()` for void procedures).
    public static func reply<Ret: XDREncodable>(to call: PacketHeader, result: Ret) throws(XDRError) -> Packet {
        try Packet(header: call.reply(status: .ok), body: result)
    }

    /// An error REPLY to `call`: type REPLY, status ERROR, payload `remote_error` (as captured;
    /// rpc.rst's type=MESSAGE for errors is wrong).
    ///
    /// Never fails: if the message is too long for XDR, a short RPC error is sent instead, because
    /// a call must always get an answer or the client hangs.
    public static func errorReply(to call: PacketHeader, error: PatchbayError) -> Packet {
        let header = call.reply(status: .error)
        if let packet = try? Packet(header: header, body: RemoteError(error)) {
            return packet
        }
        let fallback = RemoteError(PatchbayError(.rpc, "error message too long to send", domain: .rpc))
        return Packet(header: header, payload: (try? fallback.xdrBytes()) ?? [])
    }

    /// An event MESSAGE of REMOTE_PROGRAM. libvirtd was seen sending serial 1 and libvirt's docs
    /// say 0; clients ignore it, so 0 is the default.
    public static func event<Message: XDREncodable>(
        _ procedure: RemoteProcedure, message: Message, serial: UInt32 = 0
    ) throws(XDRError) -> Packet {
        let header = PacketHeader(program: .remote, procedure: procedure.rawValue, type: .message, serial: serial)
        return try Packet(header: header, body: message)
    }

    /// A NETWORK_EVENT_LIFECYCLE message for one registered connection.
    public static func networkLifecycleEvent(
        callbackID: Int32, network: NetworkReference, event: NetworkLifecycleEvent, detail: Int32 = 0
    ) throws(XDRError) -> Packet {
        let message = NetworkEventLifecycleMessage(
            callbackID: callbackID, network: network, event: event, detail: detail
        )
        return try Packet.event(.networkEventLifecycle, message: message)
    }

    /// A keepalive message: program "keep", type MESSAGE, serial 0, empty payload.
    public static func keepalive(_ procedure: KeepaliveProcedure) -> Packet {
        Packet(header: PacketHeader(program: .keepalive, procedure: procedure.rawValue, type: .message, serial: 0))
    }

    /// The keepalive procedure this packet carries, or nil if it is not a keepalive message.
    public var keepaliveProcedure: KeepaliveProcedure? {
        guard header.program == .keepalive, header.type == .message else { return nil }
        return KeepaliveProcedure(rawValue: header.procedure)
    }
}
