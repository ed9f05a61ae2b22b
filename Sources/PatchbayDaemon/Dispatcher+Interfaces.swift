import InterfaceDriver
import NetCore
import RemoteProtocol

extension Dispatcher {
    /// virtinterfaced's procedures, served by the interface driver (nil: not one of them).
    func interfaceCall(_ procedure: RemoteProcedure, payload: [UInt8]) throws(PatchbayError) -> (any XDREncodable)? {
        switch procedure {
        case .connectNumOfInterfaces, .connectNumOfDefinedInterfaces:
            let active = procedure == .connectNumOfInterfaces
            return IntRet(Int32(try interfaces.list().filter { $0.isActive == active }.count))
        case .connectListInterfaces, .connectListDefinedInterfaces:
            let args = try arguments(ConnectListNetworksArgs.self, procedure, payload)
            let active = procedure == .connectListInterfaces
            let names = try interfaces.list().filter { $0.isActive == active }.map(\.name)
            return ConnectListNetworksRet(names: Array(names.prefix(max(Int(args.maxNames), 0))))
        case .connectListAllInterfaces:
            let args = try arguments(ListAllArgs.self, procedure, payload)
            // VIR_CONNECT_LIST_INTERFACES_INACTIVE (1) and _ACTIVE (2); neither means both.
            try checkFlags(args.flags, allowed: 3, procedure)
            let wantInactive = args.flags == 0 || args.flags & 1 != 0
            let wantActive = args.flags == 0 || args.flags & 2 != 0
            let matching = try interfaces.list().filter { $0.isActive ? wantActive : wantInactive }.map(\.reference)
            return ConnectListAllInterfacesRet(items: args.needResults != 0 ? matching : [], count: UInt32(matching.count))
        case .interfaceLookupByName:
            return try interfaces.lookup(name: try arguments(StringMessage.self, procedure, payload).value).reference
        case .interfaceLookupByMACString:
            return try interfaces.lookup(mac: try arguments(StringMessage.self, procedure, payload).value).reference
        case .interfaceGetXMLDesc:
            let args = try arguments(InterfaceFlagsArgs.self, procedure, payload)
            // VIR_INTERFACE_XML_INACTIVE.
            try checkFlags(args.flags, allowed: 1, procedure)
            return StringMessage(try interfaces.xml(name: args.interface.name, inactive: args.flags & 1 != 0))
        case .interfaceDefineXML:
            let args = try arguments(XMLFlagsArgs.self, procedure, payload)
            // VIR_INTERFACE_DEFINE_VALIDATE: Patchbay always validates.
            try checkFlags(args.flags, allowed: 1, procedure)
            return try interfaces.define(xml: args.xml).reference
        case .interfaceUndefine:
            try interfaces.undefine(name: try arguments(InterfaceReference.self, procedure, payload).name)
            return XDRVoid()
        case .interfaceCreate, .interfaceDestroy:
            let args = try arguments(InterfaceFlagsArgs.self, procedure, payload)
            try checkFlags(args.flags, allowed: 0, procedure)
            if procedure == .interfaceCreate {
                try interfaces.create(name: args.interface.name)
            } else {
                try interfaces.destroy(name: args.interface.name)
            }
            return XDRVoid()
        case .interfaceIsActive:
            return IntRet(try interfaces.isActive(name: try arguments(InterfaceReference.self, procedure, payload).name) ? 1 : 0)
        case .interfaceChangeBegin, .interfaceChangeCommit, .interfaceChangeRollback:
            let args = try arguments(FlagsArgs.self, procedure, payload)
            try checkFlags(args.flags, allowed: 0, procedure)
            switch procedure {
            case .interfaceChangeBegin: try interfaces.begin()
            case .interfaceChangeCommit: try interfaces.commit()
            default:
                let record = try interfaces.rollback()
                logger.info("interface transaction rolled back", metadata: ["undone": "\(record.undone.joined(separator: "; "))"])
            }
            return XDRVoid()
        default:
            return nil
        }
    }
}

extension InterfaceSummary {
    /// The wire reference.
    var reference: InterfaceReference { InterfaceReference(name: name, mac: mac) }
}
