import InterfaceDriver
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
        case .interfaceBegin:
            let args = try decode(InterfaceBeginArgs.self)
            try checkFlags(args.flags, allowed: 0, .interfaceChangeBegin)
            let confirm = try args.confirmAddress.map { address throws(PatchbayError) -> ConfirmationRule in
                guard args.confirmPort > 0, args.confirmPort <= UInt32(UInt16.max) else {
                    throw PatchbayError(.invalidArg, "confirmation port must be 1-65535", domain: .interface)
                }
                return ConfirmationRule(address: address, port: UInt16(args.confirmPort))
            }
            try interfaces.begin(timeout: args.timeoutMilliseconds > 0 ? Double(args.timeoutMilliseconds) / 1000 : nil, confirm: confirm)
            return XDRVoid()
        case .interfaceTransactionStatus:
            _ = try decode(DriftReportArgs.self)
            guard let status = try interfaces.status() else {
                return InterfaceTransactionStatusRet(pending: false, report: "no interface transaction is pending", dependentNetworks: [])
            }
            return InterfaceTransactionStatusRet(pending: true, report: status.report, dependentNetworks: status.dependentNetworks)
        case .portEvent:
            throw ProtocolError.unknownProcedure(program: ProgramNumber.patchbay.rawValue, procedure: procedure.rawValue).patchbayError
        }
    }
}
