import NetCore

/// Why a packet stream or a packet could not be used.
///
/// These are connection-level faults (bad framing, unknown program, unmatched reply), as opposed
/// to `PatchbayError`, which is a procedure's answer to a well-formed call.
public enum ProtocolError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The header or payload was malformed XDR.
    case xdr(XDRError)
    /// The length word exceeds libvirt's 32 MiB limit; refused before reading the body.
    case packetTooLarge(length: UInt32, maximum: UInt32)
    /// The length word is smaller than a length word plus a header.
    case packetTooSmall(length: UInt32)
    /// The stream was already abandoned after an earlier framing error.
    case streamPoisoned
    /// The header names a program Patchbay does not serve.
    case unknownProgram(UInt32)
    /// The header names a served program at a version Patchbay does not speak.
    case unsupportedVersion(program: UInt32, version: UInt32)
    /// The procedure number is not in the program's table.
    case unknownProcedure(program: UInt32, procedure: Int32)
    /// A reply arrived for a serial with no outstanding call.
    case unexpectedReply(serial: UInt32)
    /// A reply's procedure differs from the outstanding call with the same serial.
    case mismatchedReply(serial: UInt32, expected: Int32, received: Int32)
    /// A message type this side does not handle (streams, FD passing).
    case unsupportedMessageType(MessageType)

    /// A short English description, as sent to a libvirt client inside an RPC error.
    public var description: String {
        switch self {
        case let .xdr(error): error.description
        case let .packetTooLarge(length, maximum): "packet length \(length) exceeds maximum \(maximum)"
        case let .packetTooSmall(length): "packet length \(length) is too small for a header"
        case .streamPoisoned: "connection closed after a framing error"
        case let .unknownProgram(program):
            "cannot find program \(ProgramNumber(rawValue: program)) version 1"
        case let .unsupportedVersion(program, version):
            "cannot find program \(ProgramNumber(rawValue: program)) version \(version)"
        case let .unknownProcedure(program, procedure):
            "unknown procedure: \(procedure) in program \(ProgramNumber(rawValue: program))"
        case let .unexpectedReply(serial): "reply with serial \(serial) matches no outstanding call"
        case let .mismatchedReply(serial, expected, received):
            "reply with serial \(serial) is for procedure \(received), expected \(expected)"
        case let .unsupportedMessageType(type): "unsupported message type \(type)"
        }
    }

    /// The error as libvirt reports RPC faults to a client: VIR_ERR_RPC in domain VIR_FROM_RPC.
    public var patchbayError: PatchbayError {
        PatchbayError(.rpc, description, domain: .rpc)
    }
}
