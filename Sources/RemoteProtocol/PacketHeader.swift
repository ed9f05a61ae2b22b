/// An RPC program number: the first header word, which selects the procedure table.
public struct ProgramNumber: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The number as it appears on the wire.
    public let rawValue: UInt32
    /// Wraps any number; unknown programs are representable so the daemon can answer them.
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// libvirt's REMOTE_PROGRAM: every network, interface and nodedev procedure.
    public static let remote = ProgramNumber(rawValue: 0x2000_8086)
    /// libvirt's keepalive program, ASCII "keep": PING and PONG messages.
    public static let keepalive = ProgramNumber(rawValue: 0x6b65_6570)
    /// libvirt's QEMU-specific program (not served by Patchbay).
    public static let qemu = ProgramNumber(rawValue: 0x2000_8087)
    /// libvirt's LXC-specific program (not served by Patchbay).
    public static let lxc = ProgramNumber(rawValue: 0x0006_8000)
    /// Patchbay's own program, ASCII "PBAY": NIC move, dry-run impact, transaction deadlines and
    /// port events. A separate number on the same sockets, so stock libvirt clients never see it.
    public static let patchbay = ProgramNumber(rawValue: 0x5042_4159)

    /// The protocol version each program Patchbay serves speaks; libvirt has only ever used 1.
    public static let version: UInt32 = 1

    /// The programs a Patchbay daemon answers.
    public static let served: Set<ProgramNumber> = [.remote, .keepalive, .patchbay]

    /// The hex form used in logs, e.g. `0x20008086`.
    public var description: String {
        let hex = String(rawValue, radix: 16)
        return "0x" + String(repeating: "0", count: max(0, 8 - hex.count)) + hex
    }
}

/// The header's `type` word.
public enum MessageType: Int32, Sendable, CaseIterable {
    /// A client's call; the reply echoes its serial.
    case call = 0
    /// The answer to a call; status says whether the payload is the result or a `remote_error`.
    case reply = 1
    /// An asynchronous message: events and keepalive.
    case message = 2
    /// Stream data (not used by the network side).
    case stream = 3
    /// A call that also carries file descriptors (not used by the network side).
    case callWithFDs = 4
    /// A reply that also carries file descriptors (not used by the network side).
    case replyWithFDs = 5
    /// A hole in a sparse stream (not used by the network side).
    case streamHole = 6
}

/// The header's `status` word.
public enum MessageStatus: Int32, Sendable, CaseIterable {
    /// The payload is the procedure's result (or the call's arguments).
    case ok = 0
    /// The payload is a `remote_error`. Captured: error replies are type REPLY, status ERROR.
    case error = 1
    /// More stream data follows (streams only).
    case `continue` = 2
}

/// The 24-byte header that follows the length word: six big-endian 32-bit words.
public struct PacketHeader: XDRCodable, Hashable, Sendable {
    /// The encoded size of a header.
    public static let encodedLength = 24

    /// Which program's procedure table `procedure` indexes.
    public var program: ProgramNumber
    /// The program's version; always 1.
    public var version: UInt32
    /// The procedure number within the program (signed on the wire).
    public var procedure: Int32
    /// Call, reply, message...
    public var type: MessageType
    /// Chosen by the caller; replies echo it. Captured clients start at 0.
    public var serial: UInt32
    /// OK, error or continue.
    public var status: MessageStatus

    /// Creates a header; `version` is always 1 in practice.
    public init(
        program: ProgramNumber, version: UInt32 = ProgramNumber.version, procedure: Int32,
        type: MessageType, serial: UInt32, status: MessageStatus = .ok
    ) {
        self.program = program
        self.version = version
        self.procedure = procedure
        self.type = type
        self.serial = serial
        self.status = status
    }

    /// Writes the six header words.
    public func encode(to encoder: inout XDREncoder) throws(XDRError) {
        encoder.encode(program.rawValue)
        encoder.encode(version)
        encoder.encode(procedure)
        encoder.encode(enum: type)
        encoder.encode(serial)
        encoder.encode(enum: status)
    }

    /// Reads the six header words; an unknown type or status is a typed error.
    public init(from decoder: inout XDRDecoder) throws(XDRError) {
        program = ProgramNumber(rawValue: try decoder.decode(UInt32.self))
        version = try decoder.decode(UInt32.self)
        procedure = try decoder.decode(Int32.self)
        type = try decoder.decode(enum: MessageType.self)
        serial = try decoder.decode(UInt32.self)
        status = try decoder.decode(enum: MessageStatus.self)
    }

    /// Checks that Patchbay serves this program at this version, so dispatch can trust both.
    public func validateProgram(served: Set<ProgramNumber> = ProgramNumber.served) throws(ProtocolError) {
        guard served.contains(program) else { throw .unknownProgram(program.rawValue) }
        guard version == ProgramNumber.version else {
            throw .unsupportedVersion(program: program.rawValue, version: version)
        }
    }

    /// The header of the reply to this call: same program, procedure and serial.
    public func reply(status: MessageStatus) -> PacketHeader {
        PacketHeader(
            program: program, version: version, procedure: procedure,
            type: .reply, serial: serial, status: status
        )
    }
}
