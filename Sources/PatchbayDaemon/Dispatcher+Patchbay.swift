import NetCore
import NetDriver
import RemoteProtocol

extension Dispatcher {
    /// Patchbay's own procedures.
    func patchbayCall(_ procedure: PatchbayProcedure, payload: [UInt8], session: ClientSession) throws(PatchbayError) -> any XDREncodable {
        func decode<Args: XDRDecodable>(_ type: Args.Type) throws(PatchbayError) -> Args {
            do {
                return try XDRDecoder.decode(type, from: payload)
            } catch {
                throw PatchbayError(.rpc, "cannot decode arguments of Patchbay procedure \(procedure): \(error)", domain: .rpc)
            }
        }
        switch procedure {
        case .portEventRegister:
            let args = try decode(PortEventRegisterArgs.self)
            return EventCallbackMessage(callbackID: broker.register(session, kind: .port, network: args.network?.uuid))
        case .portEventDeregister:
            let args = try decode(EventCallbackMessage.self)
            try broker.deregister(session, kind: .port, callbackID: args.callbackID)
            return XDRVoid()
        case .driftReport:
            let args = try decode(DriftReportArgs.self)
            let drift = args.flags & DriftReportArgs.checkNowFlag != 0 ? driver.checkDrift() : driver.driftReport()
            let items = drift.map { DriftItem(kind: $0.kind.rawValue, network: $0.network, object: $0.object, repaired: $0.repaired) }
            return DriftReportRet(items: items, problems: driver.loadProblems)
        case .portEvent:
            throw ProtocolError.unknownProcedure(program: ProgramNumber.patchbay.rawValue, procedure: procedure.rawValue).patchbayError
        }
    }
}
