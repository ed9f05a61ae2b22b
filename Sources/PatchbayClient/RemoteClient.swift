import NetCore
import RemoteProtocol

/// A blocking libvirt RPC client: one call at a time, events queued while waiting for replies,
/// server PINGs answered. What the `patchbay` CLI and the daemon's tests speak.
public final class RemoteClient {
    private let socket: UnixSocket
    private var matcher = CallMatcher<Int>(firstSerial: 0)
    private var frames = FrameDecoder()
    private var events: [Packet] = []

    /// Connects to a daemon socket (no handshake yet; see `open`).
    public init(socketPath: String) throws(PatchbayError) {
        socket = try UnixSocket(path: socketPath)
    }

    /// The handshake virsh makes: AUTH_LIST, then CONNECT_OPEN with `uri`.
    public func open(uri: String = "network:///system", readOnly: Bool = false) throws(PatchbayError) {
        _ = try call(.authList, XDRVoid(), returning: AuthListRet.self)
        _ = try call(.connectSupportsFeature, ConnectSupportsFeatureArgs(.remoteEventCallback), returning: IntRet.self)
        try call(.connectOpen, ConnectOpenArgs(name: uri, flags: readOnly ? ConnectOpenArgs.readOnlyFlag : 0))
    }

    /// CONNECT_CLOSE, then the socket closes.
    public func close() {
        _ = try? call(.connectClose, XDRVoid(), returning: XDRVoid.self)
        socket.close()
    }

    /// Calls a REMOTE_PROGRAM procedure and decodes its result; both types must be the ones the
    /// procedure table declares, so a mistaken call fails here instead of sending the wrong form.
    @discardableResult
    public func call<Args: XDREncodable, Ret: XDRDecodable>(_ procedure: RemoteProcedure, _ args: Args,
                                                           returning: Ret.Type = XDRVoid.self) throws(PatchbayError) -> Ret {
        guard let signature = procedure.signature, signature.arguments == Args.self, signature.result == Ret.self else {
            throw PatchbayError(.internalError, "\(procedure.libvirtName) does not take \(Args.self) and return \(Ret.self)")
        }
        return try call(program: .remote, procedure: procedure.rawValue, args, returning: Ret.self)
    }

    /// Calls a procedure of Patchbay's own program.
    @discardableResult
    public func call<Args: XDREncodable, Ret: XDRDecodable>(_ procedure: PatchbayProcedure, _ args: Args,
                                                           returning: Ret.Type = XDRVoid.self) throws(PatchbayError) -> Ret {
        try call(program: .patchbay, procedure: procedure.rawValue, args, returning: Ret.self)
    }

    private func call<Args: XDREncodable, Ret: XDRDecodable>(program: ProgramNumber, procedure: Int32, _ args: Args,
                                                            returning: Ret.Type) throws(PatchbayError) -> Ret {
        let packet: Packet
        do {
            packet = try matcher.makeCall(program: program, procedure: procedure, args: args, context: 0)
        } catch {
            throw ProtocolError.xdr(error).patchbayError
        }
        try send(packet)
        let serial = packet.header.serial
        while true {
            let incoming = try receive(timeout: -1)
            guard let incoming else { continue }
            switch incoming {
            case let .reply(replySerial, _, outcome) where replySerial == serial:
                return try outcome.decode(Ret.self)
            case .reply:
                continue
            case let .event(event):
                events.append(event)
            case .keepalivePing:
                try send(Packet.keepalive(.pong))
            case .keepalivePong:
                continue
            }
        }
    }

    /// The next event MESSAGE, waiting at most `timeout` milliseconds (-1: forever); nil on timeout.
    public func nextEvent(timeout: Int32) throws(PatchbayError) -> Packet? {
        if !events.isEmpty { return events.removeFirst() }
        while true {
            guard let incoming = try receive(timeout: timeout) else { return nil }
            switch incoming {
            case let .event(event): return event
            case .keepalivePing: try send(Packet.keepalive(.pong))
            case .keepalivePong, .reply: continue
            }
        }
    }

    private func send(_ packet: Packet) throws(PatchbayError) {
        do {
            try socket.write(try packet.encoded())
        } catch let error as PatchbayError {
            throw error
        } catch let error as ProtocolError {
            throw error.patchbayError
        } catch {
            throw PatchbayError(.rpc, "\(error)", domain: .rpc)
        }
    }

    /// One classified packet from the server, nil when `timeout` passed without one.
    private func receive(timeout: Int32) throws(PatchbayError) -> IncomingPacket<Int>? {
        while true {
            do {
                if let packet = try frames.nextPacket() { return try matcher.receive(packet) }
            } catch {
                throw error.patchbayError
            }
            guard let bytes = try socket.read(timeout: timeout) else { return nil }
            guard !bytes.isEmpty else {
                throw PatchbayError(.systemError, "End of file while reading data: Input/output error", domain: .rpc)
            }
            frames.feed(bytes)
        }
    }
}
