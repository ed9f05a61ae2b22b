import NetCore

/// The payload types of one procedure: what a CALL carries and what an OK REPLY carries.
///
/// For event procedures (server MESSAGEs) `arguments` is the message body and `result` is void.
public struct ProcedureSignature: Sendable {
    /// The `_args` struct (or `XDRVoid`).
    public let arguments: any XDRCodable.Type
    /// The `_ret` struct (or `XDRVoid`).
    public let result: any XDRCodable.Type

    public init(_ arguments: any XDRCodable.Type, _ result: any XDRCodable.Type) {
        self.arguments = arguments
        self.result = result
    }
}

/// What running a procedure does, which decides who may call it and where the daemon runs it.
public enum ProcedureEffect: Sendable, Equatable {
    /// A step of the handshake a client makes before CONNECT_OPEN (and CONNECT_CLOSE): the only
    /// calls allowed before the connection is open; read-only connections may make them.
    case handshake
    /// Reads state or touches only the connection: allowed on read-only connections, answered
    /// on the socket loop.
    case read
    /// Changes state with work bounded by file writes and at most a netlink request, whatever the
    /// arguments: refused on read-only connections, answered on the socket loop.
    case boundedChange
    /// Changes the host in ways that may spawn a process or bring a network up: refused on
    /// read-only connections, run on a worker unless the driver says this call is quick.
    case hostChange
    /// A server MESSAGE: never valid as a CALL.
    case event
}

/// One row of the procedure table: the procedure's effect and, when Patchbay models it, its
/// payload types.
public struct ProcedureDeclaration: Sendable {
    /// What the procedure does.
    public let effect: ProcedureEffect
    /// The payload types, nil for procedures whose structs Patchbay does not model (answered
    /// NO_SUPPORT).
    public let signature: ProcedureSignature?

    /// A handshake step.
    static func handshake(_ arguments: any XDRCodable.Type, _ result: any XDRCodable.Type) -> Self {
        Self(effect: .handshake, signature: ProcedureSignature(arguments, result))
    }

    /// A procedure that only reads.
    static func read(_ arguments: any XDRCodable.Type, _ result: any XDRCodable.Type) -> Self {
        Self(effect: .read, signature: ProcedureSignature(arguments, result))
    }

    /// A change with bounded work.
    static func boundedChange(_ arguments: any XDRCodable.Type, _ result: any XDRCodable.Type) -> Self {
        Self(effect: .boundedChange, signature: ProcedureSignature(arguments, result))
    }

    /// A change that may need real host work.
    static func hostChange(_ arguments: any XDRCodable.Type, _ result: any XDRCodable.Type) -> Self {
        Self(effect: .hostChange, signature: ProcedureSignature(arguments, result))
    }

    /// A server MESSAGE whose body is `message`.
    static func event(_ message: any XDRCodable.Type) -> Self {
        Self(effect: .event, signature: ProcedureSignature(message, XDRVoid.self))
    }

    /// A procedure whose payloads are not modelled.
    static func unmodelled(_ effect: ProcedureEffect) -> Self {
        Self(effect: effect, signature: nil)
    }
}

/// The empty payload, short for the table below.
private let void = XDRVoid.self

extension RemoteProcedure {
    /// The procedure table: every REMOTE_PROGRAM procedure Patchbay knows, with its payload types,
    /// whether read-only connections may call it and whether it needs host work. The daemon's
    /// access checks and scheduling, its argument decoding and result checks, and the capture
    /// tests all read this one declaration.
    public var declaration: ProcedureDeclaration {
        switch self {
        // Connection
        case .connectOpen: .handshake(ConnectOpenArgs.self, void)
        case .connectClose: .handshake(void, void)
        case .connectRegisterCloseCallback, .connectUnregisterCloseCallback: .read(void, void)
        case .connectGetType, .connectGetHostname, .connectGetURI, .connectGetCapabilities: .read(void, StringMessage.self)
        case .connectGetVersion, .connectGetLibVersion: .read(void, UnsignedHyperRet.self)
        case .connectSupportsFeature: .handshake(ConnectSupportsFeatureArgs.self, IntRet.self)
        case .authList: .handshake(void, AuthListRet.self)
        case .authPolkit: .handshake(void, IntRet.self)
        case .connectIsSecure: .read(void, IntRet.self)
        case .authSASLInit, .authSASLStart, .authSASLStep: .unmodelled(.handshake)
        case .connectGetSysinfo: .read(FlagsArgs.self, StringMessage.self)
        // Changes who the connection acts for; refused read-only like libvirt does.
        case .connectSetIdentity: .boundedChange(ConnectSetIdentityArgs.self, void)
        // Networks
        case .connectNumOfNetworks, .connectNumOfDefinedNetworks: .read(void, IntRet.self)
        case .connectListNetworks, .connectListDefinedNetworks: .read(ConnectListNetworksArgs.self, ConnectListNetworksRet.self)
        case .connectListAllNetworks: .read(ListAllArgs.self, ConnectListAllNetworksRet.self)
        case .networkLookupByName: .read(StringMessage.self, NetworkMessage.self)
        case .networkLookupByUUID: .read(NetworkLookupByUUIDArgs.self, NetworkMessage.self)
        case .networkCreateXML: .hostChange(StringMessage.self, NetworkMessage.self)
        case .networkDefineXML: .boundedChange(StringMessage.self, NetworkMessage.self)
        case .networkCreateXMLFlags: .hostChange(XMLFlagsArgs.self, NetworkMessage.self)
        case .networkDefineXMLFlags: .boundedChange(XMLFlagsArgs.self, NetworkMessage.self)
        case .networkCreate, .networkDestroy: .hostChange(NetworkMessage.self, void)
        case .networkUndefine: .boundedChange(NetworkMessage.self, void)
        case .networkIsActive, .networkIsPersistent, .networkGetAutostart: .read(NetworkMessage.self, IntRet.self)
        case .networkGetBridgeName: .read(NetworkMessage.self, StringMessage.self)
        case .networkGetXMLDesc: .read(NetworkFlagsArgs.self, StringMessage.self)
        case .networkSetAutostart: .boundedChange(NetworkSetAutostartArgs.self, void)
        case .networkUpdate: .hostChange(NetworkUpdateArgs.self, void)
        case .networkGetDHCPLeases: .read(NetworkGetDHCPLeasesArgs.self, NetworkGetDHCPLeasesRet.self)
        // Event registration only touches the connection (libvirt allows `virsh -r net-event`).
        case .connectNetworkEventRegisterAny: .read(ConnectNetworkEventRegisterAnyArgs.self, EventCallbackMessage.self)
        case .connectNetworkEventDeregisterAny: .read(EventCallbackMessage.self, void)
        case .networkEventLifecycle: .event(NetworkEventLifecycleMessage.self)
        // Network ports: a port's floor may be a tc class, so creation and deletion are host
        // changes; the driver says per network whether they are quick.
        case .networkListAllPorts: .read(NetworkListAllPortsArgs.self, NetworkListAllPortsRet.self)
        case .networkPortLookupByUUID: .read(NetworkPortLookupByUUIDArgs.self, NetworkPortMessage.self)
        case .networkPortCreateXML: .hostChange(NetworkPortCreateXMLArgs.self, NetworkPortMessage.self)
        case .networkPortGetParameters: .read(NetworkPortGetParametersArgs.self, NetworkPortGetParametersRet.self)
        case .networkPortSetParameters: .hostChange(NetworkPortSetParametersArgs.self, void)
        case .networkPortGetXMLDesc: .read(NetworkPortFlagsArgs.self, StringMessage.self)
        case .networkPortDelete: .hostChange(NetworkPortFlagsArgs.self, void)
        // Host interfaces
        case .interfaceChangeBegin, .interfaceChangeCommit, .interfaceChangeRollback: .hostChange(FlagsArgs.self, void)
        case .connectNumOfInterfaces, .connectNumOfDefinedInterfaces: .read(void, IntRet.self)
        case .connectListInterfaces, .connectListDefinedInterfaces:
            .read(ConnectListNetworksArgs.self, ConnectListNetworksRet.self)
        case .interfaceLookupByName, .interfaceLookupByMACString: .read(StringMessage.self, InterfaceReference.self)
        case .interfaceIsActive: .read(InterfaceReference.self, IntRet.self)
        case .connectListAllInterfaces: .read(ListAllArgs.self, ConnectListAllInterfacesRet.self)
        case .interfaceGetXMLDesc: .read(InterfaceFlagsArgs.self, StringMessage.self)
        case .interfaceDefineXML: .hostChange(XMLFlagsArgs.self, InterfaceReference.self)
        case .interfaceUndefine: .hostChange(InterfaceReference.self, void)
        case .interfaceCreate, .interfaceDestroy: .hostChange(InterfaceFlagsArgs.self, void)
        // Node devices
        case .connectListAllNodeDevices: .read(ListAllArgs.self, ConnectListAllNodeDevicesRet.self)
        case .nodeNumOfDevices: .read(NodeNumOfDevicesArgs.self, IntRet.self)
        case .nodeListDevices: .read(NodeListDevicesArgs.self, ConnectListNetworksRet.self)
        case .nodeDeviceGetXMLDesc: .read(NameFlagsArgs.self, StringMessage.self)
        case .nodeDeviceNumOfCaps, .nodeDeviceIsActive, .nodeDeviceIsPersistent: .read(StringMessage.self, IntRet.self)
        case .nodeDeviceListCaps, .nodeDeviceGetAutostart: .unmodelled(.read)
        case .nodeDeviceDettach, .nodeDeviceReAttach, .nodeDeviceReset, .nodeDeviceDestroy: .hostChange(StringMessage.self, void)
        case .nodeDeviceCreateXML: .hostChange(XMLFlagsArgs.self, NodeDeviceReference.self)
        case .nodeDeviceDetachFlags, .nodeDeviceDefineXML, .nodeDeviceUndefine, .nodeDeviceCreate,
             .nodeDeviceSetAutostart:
            .unmodelled(.hostChange)
        case .nodeDeviceLookupByName: .read(StringMessage.self, NodeDeviceReference.self)
        case .nodeDeviceGetParent: .read(StringMessage.self, RemoteString.self)
        case .connectNodeDeviceEventRegisterAny: .read(ConnectNodeDeviceEventRegisterAnyArgs.self, EventCallbackMessage.self)
        case .connectNodeDeviceEventDeregisterAny: .read(EventCallbackMessage.self, void)
        case .nodeDeviceEventLifecycle: .event(NodeDeviceEventLifecycleMessage.self)
        case .nodeDeviceEventUpdate: .event(NodeDeviceEventUpdateMessage.self)
        // Domains: starting, stopping and re-wiring guests is host work; definitions and
        // autostart marks are files.
        case .nodeGetInfo: .unmodelled(.read)
        case .nodeGetSecurityModel: .read(void, NodeGetSecurityModelRet.self)
        case .connectListAllDomains: .read(ListAllArgs.self, ConnectListAllDomainsRet.self)
        case .connectNumOfDomains, .connectNumOfDefinedDomains: .read(void, IntRet.self)
        case .connectListDomains: .read(ConnectListNetworksArgs.self, ConnectListDomainsRet.self)
        case .connectListDefinedDomains: .read(ConnectListNetworksArgs.self, ConnectListNetworksRet.self)
        case .domainLookupByName: .read(StringMessage.self, DomainMessage.self)
        case .domainLookupByUUID: .read(NetworkLookupByUUIDArgs.self, DomainMessage.self)
        case .domainLookupByID: .read(IntRet.self, DomainMessage.self)
        case .domainDefineXML: .boundedChange(StringMessage.self, DomainMessage.self)
        case .domainDefineXMLFlags: .boundedChange(XMLFlagsArgs.self, DomainMessage.self)
        case .domainUndefine: .boundedChange(DomainMessage.self, void)
        case .domainUndefineFlags: .boundedChange(DomainFlagsArgs.self, void)
        case .domainCreate, .domainDestroy, .domainShutdown: .hostChange(DomainMessage.self, void)
        case .domainCreateWithFlags: .hostChange(DomainFlagsArgs.self, DomainMessage.self)
        case .domainCreateXML: .hostChange(XMLFlagsArgs.self, DomainMessage.self)
        case .domainDestroyFlags, .domainShutdownFlags: .hostChange(DomainFlagsArgs.self, void)
        case .domainGetAutostart, .domainIsActive, .domainIsPersistent, .domainIsUpdated: .read(DomainMessage.self, IntRet.self)
        case .domainSetAutostart: .boundedChange(DomainSetAutostartArgs.self, void)
        case .domainGetXMLDesc: .read(DomainFlagsArgs.self, StringMessage.self)
        case .domainGetInfo: .read(DomainMessage.self, DomainGetInfoRet.self)
        case .domainGetState: .read(DomainFlagsArgs.self, DomainGetStateRet.self)
        case .domainHasManagedSaveImage, .domainSnapshotNum: .read(DomainFlagsArgs.self, IntRet.self)
        case .domainUpdateDeviceFlags: .hostChange(DomainXMLFlagsArgs.self, void)
        case .domainGetInterfaceParameters: .read(DomainGetInterfaceParametersArgs.self, DomainGetInterfaceParametersRet.self)
        case .domainSetInterfaceParameters: .hostChange(DomainSetInterfaceParametersArgs.self, void)
        case .domainInterfaceStats: .read(DomainInterfaceStatsArgs.self, DomainInterfaceStatsRet.self)
        case .domainInterfaceAddresses: .read(DomainInterfaceAddressesArgs.self, DomainInterfaceAddressesRet.self)
        case .connectDomainEventCallbackRegisterAny:
            .read(ConnectDomainEventCallbackRegisterAnyArgs.self, EventCallbackMessage.self)
        case .connectDomainEventCallbackDeregisterAny: .read(EventCallbackMessage.self, void)
        case .connectDomainEventRegister, .connectDomainEventDeregister: .read(void, IntRet.self)
        case .domainEventLifecycle: .event(DomainEventLifecycleMessage.self)
        case .domainEventCallbackLifecycle: .event(DomainEventCallbackLifecycleMessage.self)
        }
    }

    /// The payload types, nil for procedures Patchbay does not model (SASL, node device
    /// capability lists, detach-with-flags and the mdev define/undefine/create/autostart calls);
    /// the daemon answers those with NO_SUPPORT, as virtnodedevd does here.
    public var signature: ProcedureSignature? { declaration.signature }

    /// Server-to-client MESSAGE procedures: never valid as a CALL.
    public var isEvent: Bool { declaration.effect == .event }

    /// Procedures that change host or daemon state; the `-ro` sockets refuse them with
    /// VIR_ERR_OPERATION_DENIED.
    public var isMutating: Bool {
        switch declaration.effect {
        case .boundedChange, .hostChange: true
        case .handshake, .read, .event: false
        }
    }

    /// The calls a client makes before CONNECT_OPEN.
    public var isHandshake: Bool { declaration.effect == .handshake }

    /// Changes a daemon can answer on its socket loop instead of paying two thread wake-ups for
    /// a worker, whatever their arguments.
    public var isBoundedChange: Bool { declaration.effect == .boundedChange }

    /// Decodes this procedure's CALL arguments as the table declares them; a malformed payload
    /// becomes the RPC error the client is sent, so the dispatcher only ever handles
    /// `PatchbayError`. Asking for another type than the table's is a daemon bug, reported as
    /// an internal error rather than decoding the wrong wire form.
    public func decodeArguments<Args: XDRDecodable>(_ type: Args.Type, from payload: [UInt8]) throws(PatchbayError) -> Args {
        guard let declared = signature?.arguments, declared == Args.self else {
            throw PatchbayError(.internalError, "\(libvirtName) does not take \(Args.self) as its arguments", domain: .rpc)
        }
        do {
            return try XDRDecoder.decode(type, from: payload)
        } catch {
            throw PatchbayError(.rpc, "cannot decode arguments of \(libvirtName): \(error)", domain: .rpc)
        }
    }

    /// Encodes this procedure's OK reply payload, which must be of the table's result type.
    public func encodeResult(_ result: any XDREncodable) throws(PatchbayError) -> [UInt8] {
        guard let declared = signature?.result, declared == type(of: result) else {
            throw PatchbayError(.internalError, "\(libvirtName) does not return \(type(of: result))", domain: .rpc)
        }
        do {
            return try result.xdrBytes()
        } catch {
            throw ProtocolError.xdr(error).patchbayError
        }
    }
}
