import GuestDriver
import InterfaceDriver
import Logging
import NetCore
import NetDriver
import NodeDevices
import RemoteProtocol

/// Turns one call into its reply: access control first, then the procedure table of the
/// socket's service. Never throws and never drops a call: every failure is an error reply.
public final class Dispatcher: Sendable {
    let driver: NetworkDriver
    /// The guest driver behind virtqemud-sock; nil when the daemon runs without one.
    let domains: (any DomainService)?
    /// virtqemud's CONNECT_GET_VERSION answer (major * 1,000,000 + minor * 1,000 + micro; 0 unknown).
    let hypervisorVersion: UInt64
    /// The host interface driver behind virtinterfaced-sock.
    let interfaces: HostInterfaceDriver
    /// The node device driver behind virtnodedevd-sock.
    let nodeDevices: NodeDeviceDriver
    let broker: EventBroker
    let logger: Logger

    init(driver: NetworkDriver, domains: (any DomainService)? = nil, hypervisorVersion: UInt64 = 0,
         interfaces: HostInterfaceDriver, nodeDevices: NodeDeviceDriver, broker: EventBroker, logger: Logger) {
        self.driver = driver
        self.domains = domains
        self.hypervisorVersion = hypervisorVersion
        self.interfaces = interfaces
        self.nodeDevices = nodeDevices
        self.broker = broker
        self.logger = logger
    }

    /// The reply to a REMOTE_PROGRAM call.
    func reply(to procedure: RemoteProcedure, header: PacketHeader, payload: [UInt8], session: ClientSession) -> Packet {
        do throws(PatchbayError) {
            if let refusal = session.accessRefusal { throw refusal }
            if let refusal = procedure.refusal(readOnly: session.isReadOnly) { throw refusal }
            if !procedure.isHandshake && !session.isOpen {
                throw PatchbayError(.internalError, "connection not open", domain: .remote)
            }
            // The procedure table declares what may be called and what a reply carries.
            guard procedure.signature != nil else { throw procedure.unsupportedError }
            let result = try call(procedure, payload: payload, session: session)
            return Packet(header: header.reply(status: .ok), payload: try procedure.encodeResult(result))
        } catch {
            logFailure(error, procedure: procedure.libvirtName, session: session)
            return Packet.errorReply(to: header, error: error)
        }
    }

    /// The reply to a call of Patchbay's own program.
    func reply(toPatchbay header: PacketHeader, payload: [UInt8], session: ClientSession) -> Packet {
        do throws(PatchbayError) {
            if let refusal = session.accessRefusal { throw refusal }
            guard let procedure = PatchbayProcedure(rawValue: header.procedure), procedure != .portEvent else {
                throw ProtocolError.unknownProcedure(program: header.program.rawValue, procedure: header.procedure).patchbayError
            }
            if let refusal = procedure.refusal(readOnly: session.isReadOnly, arguments: payload) { throw refusal }
            guard session.isOpen else { throw PatchbayError(.internalError, "connection not open", domain: .remote) }
            guard session.role.service == (procedure.isInterfaceProcedure ? .interface : .network) else {
                let sockets = procedure.isInterfaceProcedure ? "interface" : "network"
                throw PatchbayError(.noSupport, "Patchbay procedure \(header.procedure) is served on the \(sockets) sockets only")
            }
            let result = try patchbayCall(procedure, payload: payload, session: session)
            return try encodedReply(header, result)
        } catch {
            logFailure(error, procedure: "PATCHBAY_PROC_\(header.procedure)", session: session)
            return Packet.errorReply(to: header, error: error)
        }
    }

    private func encodedReply(_ header: PacketHeader, _ result: any XDREncodable) throws(PatchbayError) -> Packet {
        do {
            return Packet(header: header.reply(status: .ok), payload: try result.xdrBytes())
        } catch {
            throw ProtocolError.xdr(error).patchbayError
        }
    }

    private func logFailure(_ error: PatchbayError, procedure: String, session: ClientSession) {
        logger.debug("call failed", metadata: [
            "connection": "\(session.id)", "procedure": "\(procedure)", "code": "\(error.code.rawValue)", "error": "\(error.message)",
        ])
    }

    /// Routes a REMOTE_PROGRAM procedure: connection calls anywhere, the rest only on their
    /// own service's sockets (as libvirt's split daemons each lack the others' drivers).
    func call(_ procedure: RemoteProcedure, payload: [UInt8], session: ClientSession) throws(PatchbayError) -> any XDREncodable {
        if let result = try connectCall(procedure, payload: payload, session: session) { return result }
        switch session.role.service {
        case .network:
            if let result = try networkCall(procedure, payload: payload, session: session) { return result }
            if let result = try portCall(procedure, payload: payload) { return result }
        case .interface:
            if let result = try interfaceCall(procedure, payload: payload) { return result }
        case .nodeDevice:
            if let result = try nodeDeviceCall(procedure, payload: payload, session: session) { return result }
        case .qemu:
            if let result = try domainCall(procedure, payload: payload, session: session) { return result }
        }
        throw procedure.unsupportedError
    }

    /// Decodes a call's arguments, which must be the type the procedure table declares (a
    /// malformed payload is an RPC error for that call only).
    func arguments<Args: XDRDecodable>(_ type: Args.Type, _ procedure: RemoteProcedure, _ payload: [UInt8]) throws(PatchbayError) -> Args {
        try procedure.decodeArguments(type, from: payload)
    }

    /// libvirt refuses flag bits a procedure does not know with VIR_ERR_INVALID_ARG. Its QEMU driver
    /// (`qemu: true`) names its own function and error domain, without the code's prefix
    /// (measured on libvirtd 9.0: "unsupported flags (0x100) in function qemuDomainGetXMLDesc", VIR_FROM_QEMU).
    func checkFlags(_ flags: UInt32, allowed: UInt32, _ procedure: RemoteProcedure, qemu: Bool = false) throws(PatchbayError) {
        let unknown = flags & ~allowed
        guard unknown == 0 else {
            let function = qemu ? "qemu\(procedure.apiName.dropFirst(3))" : procedure.apiName
            var error = PatchbayError(.invalidArg, "unsupported flags (0x\(String(unknown, radix: 16))) in function \(function)",
                                      domain: qemu ? .qemu : procedure.errorDomain)
            error.omitsPrefix = qemu
            throw error
        }
    }
}
