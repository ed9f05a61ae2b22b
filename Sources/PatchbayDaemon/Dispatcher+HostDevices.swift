import NetCore
import NodeDevices
import RemoteProtocol

extension Dispatcher {
    /// virtnodedevd's procedures for the host's network devices (nil: not one of them).
    func nodeDeviceCall(_ procedure: RemoteProcedure, payload: [UInt8], session: ClientSession) throws(PatchbayError) -> (any XDREncodable)? {
        switch procedure {
        case .connectListAllNodeDevices:
            let args = try arguments(ListAllArgs.self, procedure, payload)
            // Capability filters are the low bits: CAP_SYSTEM (1 << 0) and CAP_NET (1 << 4) are the
            // devices listed here, the others match none; ACTIVE (1 << 31) / INACTIVE (1 << 30)
            // select by state, and every host network device is active.
            let capabilityBits = args.flags & 0x3FFF_FFFF
            let inactiveOnly = args.flags & 0x4000_0000 != 0 && args.flags & 0x8000_0000 == 0
            let capability: String?? = switch capabilityBits & 0x11 {
            case _ where inactiveOnly: .none
            case 0 where capabilityBits == 0: .some(nil)
            case 0x01: "system"
            case 0x10: "net"
            case 0x11: .some(nil)
            default: .none
            }
            let names = try capability.map { wanted throws(PatchbayError) in try nodeDevices.list(capability: wanted) } ?? []
            let items = names.map(NodeDeviceReference.init(name:))
            return ConnectListAllNodeDevicesRet(items: args.needResults != 0 ? items : [], count: UInt32(items.count))
        case .nodeNumOfDevices:
            let args = try arguments(NodeNumOfDevicesArgs.self, procedure, payload)
            return IntRet(Int32(try nodeDevices.list(capability: args.capability).count))
        case .nodeListDevices:
            let args = try arguments(NodeListDevicesArgs.self, procedure, payload)
            let names = try nodeDevices.list(capability: args.capability)
            return ConnectListNetworksRet(names: Array(names.prefix(max(Int(args.maxNames), 0))))
        case .nodeDeviceLookupByName:
            let name = try arguments(StringMessage.self, procedure, payload).value
            try nodeDevices.lookup(name: name)
            return NodeDeviceReference(name: name)
        case .nodeDeviceGetXMLDesc:
            let args = try arguments(NameFlagsArgs.self, procedure, payload)
            try checkFlags(args.flags, allowed: 0, procedure)
            return StringMessage(try nodeDevices.xml(name: args.name))
        case .nodeDeviceGetParent:
            let name = try arguments(StringMessage.self, procedure, payload).value
            return RemoteString(try nodeDevices.parent(name: name))
        case .nodeDeviceNumOfCaps:
            let name = try arguments(StringMessage.self, procedure, payload).value
            return IntRet(Int32(try nodeDevices.capabilities(name: name).count))
        case .nodeDeviceIsActive, .nodeDeviceIsPersistent:
            let name = try arguments(StringMessage.self, procedure, payload).value
            try nodeDevices.lookup(name: name)
            // Host network devices exist while they are listed, and are not defined by anyone.
            return IntRet(procedure == .nodeDeviceIsActive ? 1 : 0)
        case .connectNodeDeviceEventRegisterAny:
            let args = try arguments(ConnectNodeDeviceEventRegisterAnyArgs.self, procedure, payload)
            // VIR_NODE_DEVICE_EVENT_ID_LIFECYCLE (0) and _UPDATE (1).
            guard args.eventID == 0 || args.eventID == 1 else {
                throw PatchbayError(.invalidArg, "unsupported event ID \(args.eventID)", domain: .nodeDevice)
            }
            let kind: EventBroker.Kind = args.eventID == 0 ? .nodeDevice : .nodeDeviceUpdate
            return EventCallbackMessage(callbackID: broker.register(session, kind: kind, network: nil))
        case .connectNodeDeviceEventDeregisterAny:
            let args = try arguments(EventCallbackMessage.self, procedure, payload)
            do {
                try broker.deregister(session, kind: .nodeDevice, callbackID: args.callbackID)
            } catch {
                try broker.deregister(session, kind: .nodeDeviceUpdate, callbackID: args.callbackID)
            }
            return XDRVoid()
        default:
            return nil
        }
    }
}
