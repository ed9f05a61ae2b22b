import NetCore

/// What became of a call: its result payload or the peer's `remote_error`.
public enum CallOutcome: Hashable, Sendable {
    /// Status OK; the payload is the procedure's `_ret` struct (empty for void).
    case success(payload: [UInt8])
    /// Status ERROR; the peer's error.
    case failure(RemoteError)

    /// Decodes the result as `type`, or throws the peer's error as a `PatchbayError`.
    /// A malformed result becomes an RPC error, which is how libvirt clients report it too.
    public func decode<Ret: XDRDecodable>(_ type: Ret.Type) throws(PatchbayError) -> Ret {
        switch self {
        case let .failure(error):
            throw error.patchbayError
        case let .success(payload):
            do {
                return try XDRDecoder.decode(type, from: payload)
            } catch {
                throw ProtocolError.xdr(error).patchbayError
            }
        }
    }
}

/// A packet from the server, classified for the client.
public enum IncomingPacket<Context: Sendable>: Sendable {
    /// The reply to an outstanding call, with the context given when it was made.
    case reply(serial: UInt32, context: Context, outcome: CallOutcome)
    /// An asynchronous MESSAGE (an event) of the remote or Patchbay program.
    case event(Packet)
    /// The server PINGed; answer with `Packet.keepalive(.pong)`.
    case keepalivePing
    /// The server answered our PING.
    case keepalivePong
}

/// Client-side bookkeeping of outstanding calls, matched to replies by serial.
///
/// Pure logic, no sockets: the connection layer sends what `makeCall` returns and passes every
/// received packet to `receive`. Several calls may be outstanding and replies may arrive in any
/// order. `Context` is whatever the caller needs to resume (a continuation, a test label...).
public struct CallMatcher<Context: Sendable>: Sendable {
    private struct Outstanding: Sendable {
        let program: ProgramNumber
        let procedure: Int32
        let context: Context
    }

    private var nextSerial: UInt32
    private var outstanding: [UInt32: Outstanding] = [:]

    /// Creates a matcher. virsh and libvirt-python start at serial 0, so that is the default.
    public init(firstSerial: UInt32 = 0) {
        nextSerial = firstSerial
    }

    /// How many calls await a reply.
    public var outstandingCount: Int { outstanding.count }

    /// Builds the CALL packet for a procedure of any program and records it as outstanding.
    public mutating func makeCall<Args: XDREncodable>(
        program: ProgramNumber, procedure: Int32, args: Args, context: Context
    ) throws(XDRError) -> Packet {
        // Skip serials still in use after wrap-around, so two calls never share one.
        while outstanding[nextSerial] != nil { nextSerial &+= 1 }
        let serial = nextSerial
        let packet = try Packet.call(program: program, procedure: procedure, serial: serial, args: args)
        nextSerial &+= 1
        outstanding[serial] = Outstanding(program: program, procedure: procedure, context: context)
        return packet
    }

    /// Builds the CALL packet for a REMOTE_PROGRAM procedure and records it as outstanding.
    public mutating func makeCall<Args: XDREncodable>(
        _ procedure: RemoteProcedure, args: Args, context: Context
    ) throws(XDRError) -> Packet {
        try makeCall(program: .remote, procedure: procedure.rawValue, args: args, context: context)
    }

    /// Classifies a packet from the server; a reply completes (and forgets) its call.
    public mutating func receive(_ packet: Packet) throws(ProtocolError) -> IncomingPacket<Context> {
        let header = packet.header
        if header.program == .keepalive {
            switch packet.keepaliveProcedure {
            case .ping: return .keepalivePing
            case .pong: return .keepalivePong
            case nil: throw .unknownProcedure(program: header.program.rawValue, procedure: header.procedure)
            }
        }
        switch header.type {
        case .message:
            return .event(packet)
        case .reply:
            guard let call = outstanding[header.serial] else { throw .unexpectedReply(serial: header.serial) }
            guard call.program == header.program, call.procedure == header.procedure else {
                throw .mismatchedReply(serial: header.serial, expected: call.procedure, received: header.procedure)
            }
            outstanding[header.serial] = nil
            // The call is complete whatever the payload holds: a waiter must always be resumed,
            // so a broken reply becomes an RPC error for that call rather than a thrown fault.
            let outcome: CallOutcome
            switch header.status {
            case .ok:
                outcome = .success(payload: packet.payload)
            case .error:
                do {
                    outcome = .failure(try packet.decodePayload(as: RemoteError.self))
                } catch {
                    outcome = .failure(RemoteError(ProtocolError.xdr(error).patchbayError))
                }
            case .continue:
                outcome = .failure(RemoteError(ProtocolError.unsupportedMessageType(.stream).patchbayError))
            }
            return .reply(serial: header.serial, context: call.context, outcome: outcome)
        case .call, .stream, .callWithFDs, .replyWithFDs, .streamHole:
            throw .unsupportedMessageType(header.type)
        }
    }

    /// Forgets every outstanding call (the connection is gone) and returns their contexts so
    /// each waiter can be failed.
    public mutating func cancelAll() -> [Context] {
        let contexts = outstanding.sorted { $0.key < $1.key }.map(\.value.context)
        outstanding = [:]
        return contexts
    }
}
