import NetCore
import RemoteProtocol

extension Dispatcher {
    /// virtinterfaced's procedures until an interface driver exists: the handshake works and
    /// every list is empty, so clients that merely enumerate succeed (nil: not one of them;
    /// the rest are answered NO_SUPPORT).
    func interfaceCall(_ procedure: RemoteProcedure, payload: [UInt8]) throws(PatchbayError) -> (any XDREncodable)? {
        switch procedure {
        case .connectNumOfInterfaces, .connectNumOfDefinedInterfaces:
            return IntRet(0)
        case .connectListInterfaces, .connectListDefinedInterfaces:
            _ = try arguments(ConnectListNetworksArgs.self, procedure, payload)
            return ConnectListNetworksRet(names: [])
        case .connectListAllInterfaces:
            _ = try arguments(ListAllArgs.self, procedure, payload)
            return ConnectListAllInterfacesRet(items: [], count: 0)
        case .interfaceLookupByName:
            let name = try arguments(StringMessage.self, procedure, payload).value
            throw PatchbayError(.noInterface, "no interface with matching name '\(name)'", domain: .interface)
        case .interfaceLookupByMACString:
            let mac = try arguments(StringMessage.self, procedure, payload).value
            throw PatchbayError(.noInterface, "no interface with matching mac '\(mac)'", domain: .interface)
        default:
            return nil
        }
    }

    /// virtnodedevd's procedures until a node device driver exists: empty lists, and event
    /// registration that is accepted (no event fires yet).
    func nodeDeviceCall(_ procedure: RemoteProcedure, payload: [UInt8], session: ClientSession) throws(PatchbayError) -> (any XDREncodable)? {
        switch procedure {
        case .connectListAllNodeDevices:
            _ = try arguments(ListAllArgs.self, procedure, payload)
            return ConnectListAllNodeDevicesRet(items: [], count: 0)
        case .nodeNumOfDevices:
            _ = try arguments(NodeNumOfDevicesArgs.self, procedure, payload)
            return IntRet(0)
        case .nodeListDevices:
            _ = try arguments(NodeListDevicesArgs.self, procedure, payload)
            return ConnectListNetworksRet(names: [])
        case .nodeDeviceLookupByName, .nodeDeviceGetXMLDesc, .nodeDeviceGetParent, .nodeDeviceNumOfCaps,
             .nodeDeviceIsActive, .nodeDeviceIsPersistent:
            let name: String
            if procedure == .nodeDeviceGetXMLDesc {
                name = try arguments(NameFlagsArgs.self, procedure, payload).name
            } else {
                name = try arguments(StringMessage.self, procedure, payload).value
            }
            throw PatchbayError(.noNodeDevice, "no node device with matching name '\(name)'", domain: .nodeDevice)
        case .connectNodeDeviceEventRegisterAny:
            _ = try arguments(ConnectNodeDeviceEventRegisterAnyArgs.self, procedure, payload)
            return EventCallbackMessage(callbackID: broker.register(session, kind: .nodeDevice, network: nil))
        case .connectNodeDeviceEventDeregisterAny:
            let args = try arguments(EventCallbackMessage.self, procedure, payload)
            try broker.deregister(session, kind: .nodeDevice, callbackID: args.callbackID)
            return XDRVoid()
        default:
            return nil
        }
    }
}
