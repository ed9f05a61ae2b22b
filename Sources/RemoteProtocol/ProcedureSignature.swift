/// The payload types of one procedure: what a CALL carries and what an OK REPLY carries.
///
/// For event procedures (server MESSAGEs) `arguments` is the message body and `result` is void.
/// The daemon's dispatcher and the capture tests both use this table, so a procedure's wire shape
/// is declared exactly once.
public struct ProcedureSignature: Sendable {
    /// The `_args` struct (or `XDRVoid`).
    public let arguments: any XDRCodable.Type
    /// The `_ret` struct (or `XDRVoid`).
    public let result: any XDRCodable.Type

    /// Creates a signature.
    public init(_ arguments: any XDRCodable.Type, _ result: any XDRCodable.Type) {
        self.arguments = arguments
        self.result = result
    }
}

extension RemoteProcedure {
    /// The payload types, or nil for procedures whose structs Patchbay does not model yet
    /// (SASL, node device capability lists, detach-with-flags and the mdev define/undefine/create/
    /// autostart calls); the daemon answers those with NO_SUPPORT, as virtnodedevd does here.
    public var signature: ProcedureSignature? {
        typealias S = ProcedureSignature
        let void = XDRVoid.self
        switch self {
        // Connection
        case .connectOpen: return S(ConnectOpenArgs.self, void)
        case .connectClose, .connectRegisterCloseCallback, .connectUnregisterCloseCallback: return S(void, void)
        case .connectGetType, .connectGetHostname, .connectGetURI, .connectGetCapabilities:
            return S(void, StringMessage.self)
        case .connectGetVersion, .connectGetLibVersion: return S(void, UnsignedHyperRet.self)
        case .connectSupportsFeature: return S(ConnectSupportsFeatureArgs.self, IntRet.self)
        case .authList: return S(void, AuthListRet.self)
        case .authPolkit, .connectIsSecure: return S(void, IntRet.self)
        case .connectGetSysinfo: return S(FlagsArgs.self, StringMessage.self)
        case .connectSetIdentity: return S(ConnectSetIdentityArgs.self, void)
        // Networks
        case .connectNumOfNetworks, .connectNumOfDefinedNetworks: return S(void, IntRet.self)
        case .connectListNetworks, .connectListDefinedNetworks:
            return S(ConnectListNetworksArgs.self, ConnectListNetworksRet.self)
        case .connectListAllNetworks: return S(ListAllArgs.self, ConnectListAllNetworksRet.self)
        case .networkLookupByName: return S(StringMessage.self, NetworkMessage.self)
        case .networkLookupByUUID: return S(NetworkLookupByUUIDArgs.self, NetworkMessage.self)
        case .networkCreateXML, .networkDefineXML: return S(StringMessage.self, NetworkMessage.self)
        case .networkCreateXMLFlags, .networkDefineXMLFlags: return S(XMLFlagsArgs.self, NetworkMessage.self)
        case .networkCreate, .networkDestroy, .networkUndefine: return S(NetworkMessage.self, void)
        case .networkIsActive, .networkIsPersistent, .networkGetAutostart: return S(NetworkMessage.self, IntRet.self)
        case .networkGetBridgeName: return S(NetworkMessage.self, StringMessage.self)
        case .networkGetXMLDesc: return S(NetworkFlagsArgs.self, StringMessage.self)
        case .networkSetAutostart: return S(NetworkSetAutostartArgs.self, void)
        case .networkUpdate: return S(NetworkUpdateArgs.self, void)
        case .networkGetDHCPLeases: return S(NetworkGetDHCPLeasesArgs.self, NetworkGetDHCPLeasesRet.self)
        case .connectNetworkEventRegisterAny:
            return S(ConnectNetworkEventRegisterAnyArgs.self, EventCallbackMessage.self)
        case .connectNetworkEventDeregisterAny: return S(EventCallbackMessage.self, void)
        case .networkEventLifecycle: return S(NetworkEventLifecycleMessage.self, void)
        // Network ports
        case .networkListAllPorts: return S(NetworkListAllPortsArgs.self, NetworkListAllPortsRet.self)
        case .networkPortLookupByUUID: return S(NetworkPortLookupByUUIDArgs.self, NetworkPortMessage.self)
        case .networkPortCreateXML: return S(NetworkPortCreateXMLArgs.self, NetworkPortMessage.self)
        case .networkPortGetParameters:
            return S(NetworkPortGetParametersArgs.self, NetworkPortGetParametersRet.self)
        case .networkPortSetParameters: return S(NetworkPortSetParametersArgs.self, void)
        case .networkPortGetXMLDesc: return S(NetworkPortFlagsArgs.self, StringMessage.self)
        case .networkPortDelete: return S(NetworkPortFlagsArgs.self, void)
        // Interfaces and node devices: the shapes shared with the network side.
        case .interfaceChangeBegin, .interfaceChangeCommit, .interfaceChangeRollback: return S(FlagsArgs.self, void)
        case .connectNumOfInterfaces, .connectNumOfDefinedInterfaces: return S(void, IntRet.self)
        case .connectListInterfaces, .connectListDefinedInterfaces:
            return S(ConnectListNetworksArgs.self, ConnectListNetworksRet.self)
        case .interfaceLookupByName: return S(StringMessage.self, InterfaceReference.self)
        case .interfaceLookupByMACString: return S(StringMessage.self, InterfaceReference.self)
        case .interfaceIsActive: return S(InterfaceReference.self, IntRet.self)
        case .connectListAllInterfaces: return S(ListAllArgs.self, ConnectListAllInterfacesRet.self)
        case .interfaceGetXMLDesc: return S(InterfaceFlagsArgs.self, StringMessage.self)
        case .interfaceDefineXML: return S(XMLFlagsArgs.self, InterfaceReference.self)
        case .interfaceUndefine: return S(InterfaceReference.self, void)
        case .interfaceCreate, .interfaceDestroy: return S(InterfaceFlagsArgs.self, void)
        case .connectListAllNodeDevices: return S(ListAllArgs.self, ConnectListAllNodeDevicesRet.self)
        case .nodeNumOfDevices: return S(NodeNumOfDevicesArgs.self, IntRet.self)
        case .nodeListDevices: return S(NodeListDevicesArgs.self, ConnectListNetworksRet.self)
        case .nodeDeviceGetXMLDesc: return S(NameFlagsArgs.self, StringMessage.self)
        case .nodeDeviceNumOfCaps, .nodeDeviceIsActive, .nodeDeviceIsPersistent:
            return S(StringMessage.self, IntRet.self)
        case .nodeDeviceDettach, .nodeDeviceReAttach, .nodeDeviceReset, .nodeDeviceDestroy:
            return S(StringMessage.self, void)
        case .nodeDeviceCreateXML: return S(XMLFlagsArgs.self, NodeDeviceReference.self)
        case .nodeDeviceLookupByName: return S(StringMessage.self, NodeDeviceReference.self)
        case .nodeDeviceGetParent: return S(StringMessage.self, RemoteString.self)
        case .connectNodeDeviceEventRegisterAny:
            return S(ConnectNodeDeviceEventRegisterAnyArgs.self, EventCallbackMessage.self)
        case .connectNodeDeviceEventDeregisterAny: return S(EventCallbackMessage.self, void)
        case .nodeDeviceEventLifecycle: return S(NodeDeviceEventLifecycleMessage.self, void)
        case .nodeDeviceEventUpdate: return S(NodeDeviceEventUpdateMessage.self, void)
        default: return nil
        }
    }
}
