import NetCore

/// A client packet as the daemon sees it after the protocol-level checks.
public enum ServerRequest: Sendable, Equatable {
    /// A CALL of a known REMOTE_PROGRAM procedure; decode `payload` with its signature.
    case remoteCall(RemoteProcedure, header: PacketHeader, payload: [UInt8])
    /// A CALL of Patchbay's own program; its procedure table lives with the daemon.
    case patchbayCall(header: PacketHeader, payload: [UInt8])
    /// A keepalive PING: answer `Packet.keepalive(.pong)`.
    case keepalivePing
    /// A keepalive PONG answering the daemon's PING.
    case keepalivePong

    /// Classifies a client packet, or throws a rejection carrying the error reply to send.
    ///
    /// Mirrors libvirtd: unknown programs, versions and procedures get an error REPLY with the
    /// call's serial; streams and FD passing are refused the same way, since no network-side
    /// procedure uses them; stray REPLY/MESSAGE packets from a client are dropped without answer.
    public static func classify(_ packet: Packet) throws(ServerRejection) -> ServerRequest {
        let header = packet.header
        if header.program == .keepalive {
            switch packet.keepaliveProcedure {
            case .ping: return .keepalivePing
            case .pong: return .keepalivePong
            case nil: throw ServerRejection(
                header: header,
                error: .unknownProcedure(program: header.program.rawValue, procedure: header.procedure)
            )
            }
        }
        switch header.type {
        case .call:
            break
        case .callWithFDs, .stream, .streamHole:
            throw ServerRejection(header: header, error: .unsupportedMessageType(header.type))
        case .reply, .replyWithFDs, .message:
            throw ServerRejection(header: nil, error: .unsupportedMessageType(header.type))
        }
        do {
            try header.validateProgram()
        } catch {
            throw ServerRejection(header: header, error: error)
        }
        if header.program == .patchbay {
            return .patchbayCall(header: header, payload: packet.payload)
        }
        guard let procedure = RemoteProcedure(rawValue: header.procedure), !procedure.isEvent else {
            throw ServerRejection(
                header: header,
                error: .unknownProcedure(program: header.program.rawValue, procedure: header.procedure)
            )
        }
        return .remoteCall(procedure, header: header, payload: packet.payload)
    }
}

/// A client packet the daemon will not dispatch, with the reply it owes (if any).
public struct ServerRejection: Error, Sendable, Equatable {
    /// The offending call's header, nil when no reply is owed (the packet was not a call).
    public let header: PacketHeader?
    /// Why it was rejected.
    public let error: ProtocolError

    public init(header: PacketHeader?, error: ProtocolError) {
        self.header = header
        self.error = error
    }

    /// The error REPLY to send, or nil when the packet needs no answer.
    public var reply: Packet? {
        header.map { Packet.errorReply(to: $0, error: error.patchbayError) }
    }
}
