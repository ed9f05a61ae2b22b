/// Procedure numbers of libvirt's REMOTE_PROGRAM that the network, interface, nodedev and QEMU daemons
/// answer, named and numbered as libvirt's `remote_procedure` enum defines them.
///
/// Only numbers are shared with libvirt; the table is Patchbay's own. A number missing here is
/// an "unknown procedure" to Patchbay, which is what libvirt's split daemons answer too.
public enum RemoteProcedure: Int32, Sendable, CaseIterable {
    // MARK: Connection and authentication
    /// REMOTE_PROC_CONNECT_OPEN
    case connectOpen = 1
    /// REMOTE_PROC_CONNECT_CLOSE
    case connectClose = 2
    /// REMOTE_PROC_CONNECT_GET_TYPE
    case connectGetType = 3
    /// REMOTE_PROC_CONNECT_GET_VERSION (the real network daemon answers NO_SUPPORT)
    case connectGetVersion = 4
    /// REMOTE_PROC_CONNECT_GET_CAPABILITIES (NO_SUPPORT from the network daemon)
    case connectGetCapabilities = 7
    /// REMOTE_PROC_CONNECT_GET_HOSTNAME (NO_SUPPORT from the network daemon)
    case connectGetHostname = 59
    /// REMOTE_PROC_CONNECT_SUPPORTS_FEATURE
    case connectSupportsFeature = 60
    /// REMOTE_PROC_AUTH_LIST
    case authList = 66
    /// REMOTE_PROC_AUTH_SASL_INIT
    case authSASLInit = 67
    /// REMOTE_PROC_AUTH_SASL_START
    case authSASLStart = 68
    /// REMOTE_PROC_AUTH_SASL_STEP
    case authSASLStep = 69
    /// REMOTE_PROC_AUTH_POLKIT
    case authPolkit = 70
    /// REMOTE_PROC_CONNECT_GET_URI
    case connectGetURI = 110
    /// REMOTE_PROC_CONNECT_IS_SECURE
    case connectIsSecure = 149
    /// REMOTE_PROC_CONNECT_GET_LIB_VERSION
    case connectGetLibVersion = 157
    /// REMOTE_PROC_CONNECT_GET_SYSINFO (NO_SUPPORT from the network daemon)
    case connectGetSysinfo = 203
    /// REMOTE_PROC_CONNECT_REGISTER_CLOSE_CALLBACK
    case connectRegisterCloseCallback = 360
    /// REMOTE_PROC_CONNECT_UNREGISTER_CLOSE_CALLBACK
    case connectUnregisterCloseCallback = 361
    /// REMOTE_PROC_CONNECT_SET_IDENTITY (sent by virtqemud on behalf of its client)
    case connectSetIdentity = 419

    // MARK: Networks
    /// REMOTE_PROC_CONNECT_LIST_DEFINED_NETWORKS
    case connectListDefinedNetworks = 36
    /// REMOTE_PROC_CONNECT_LIST_NETWORKS
    case connectListNetworks = 38
    /// REMOTE_PROC_NETWORK_CREATE
    case networkCreate = 39
    /// REMOTE_PROC_NETWORK_CREATE_XML
    case networkCreateXML = 40
    /// REMOTE_PROC_NETWORK_DEFINE_XML
    case networkDefineXML = 41
    /// REMOTE_PROC_NETWORK_DESTROY
    case networkDestroy = 42
    /// REMOTE_PROC_NETWORK_GET_XML_DESC
    case networkGetXMLDesc = 43
    /// REMOTE_PROC_NETWORK_GET_AUTOSTART
    case networkGetAutostart = 44
    /// REMOTE_PROC_NETWORK_GET_BRIDGE_NAME
    case networkGetBridgeName = 45
    /// REMOTE_PROC_NETWORK_LOOKUP_BY_NAME
    case networkLookupByName = 46
    /// REMOTE_PROC_NETWORK_LOOKUP_BY_UUID
    case networkLookupByUUID = 47
    /// REMOTE_PROC_NETWORK_SET_AUTOSTART
    case networkSetAutostart = 48
    /// REMOTE_PROC_NETWORK_UNDEFINE
    case networkUndefine = 49
    /// REMOTE_PROC_CONNECT_NUM_OF_DEFINED_NETWORKS
    case connectNumOfDefinedNetworks = 50
    /// REMOTE_PROC_CONNECT_NUM_OF_NETWORKS
    case connectNumOfNetworks = 52
    /// REMOTE_PROC_NETWORK_IS_ACTIVE
    case networkIsActive = 152
    /// REMOTE_PROC_NETWORK_IS_PERSISTENT
    case networkIsPersistent = 153
    /// REMOTE_PROC_CONNECT_LIST_ALL_NETWORKS
    case connectListAllNetworks = 283
    /// REMOTE_PROC_NETWORK_UPDATE
    case networkUpdate = 291
    /// REMOTE_PROC_CONNECT_NETWORK_EVENT_REGISTER_ANY
    case connectNetworkEventRegisterAny = 313
    /// REMOTE_PROC_CONNECT_NETWORK_EVENT_DEREGISTER_ANY
    case connectNetworkEventDeregisterAny = 314
    /// REMOTE_PROC_NETWORK_EVENT_LIFECYCLE (a server MESSAGE, never called)
    case networkEventLifecycle = 315
    /// REMOTE_PROC_NETWORK_GET_DHCP_LEASES
    case networkGetDHCPLeases = 341
    /// REMOTE_PROC_NETWORK_LIST_ALL_PORTS
    case networkListAllPorts = 404
    /// REMOTE_PROC_NETWORK_PORT_LOOKUP_BY_UUID
    case networkPortLookupByUUID = 405
    /// REMOTE_PROC_NETWORK_PORT_CREATE_XML
    case networkPortCreateXML = 406
    /// REMOTE_PROC_NETWORK_PORT_GET_PARAMETERS
    case networkPortGetParameters = 407
    /// REMOTE_PROC_NETWORK_PORT_SET_PARAMETERS
    case networkPortSetParameters = 408
    /// REMOTE_PROC_NETWORK_PORT_GET_XML_DESC
    case networkPortGetXMLDesc = 409
    /// REMOTE_PROC_NETWORK_PORT_DELETE
    case networkPortDelete = 410
    /// REMOTE_PROC_NETWORK_DEFINE_XML_FLAGS
    case networkDefineXMLFlags = 432
    /// REMOTE_PROC_NETWORK_CREATE_XML_FLAGS
    case networkCreateXMLFlags = 437

    // MARK: Host interfaces
    /// REMOTE_PROC_CONNECT_NUM_OF_INTERFACES
    case connectNumOfInterfaces = 126
    /// REMOTE_PROC_CONNECT_LIST_INTERFACES
    case connectListInterfaces = 127
    /// REMOTE_PROC_INTERFACE_LOOKUP_BY_NAME
    case interfaceLookupByName = 128
    /// REMOTE_PROC_INTERFACE_LOOKUP_BY_MAC_STRING
    case interfaceLookupByMACString = 129
    /// REMOTE_PROC_INTERFACE_GET_XML_DESC
    case interfaceGetXMLDesc = 130
    /// REMOTE_PROC_INTERFACE_DEFINE_XML
    case interfaceDefineXML = 131
    /// REMOTE_PROC_INTERFACE_UNDEFINE
    case interfaceUndefine = 132
    /// REMOTE_PROC_INTERFACE_CREATE
    case interfaceCreate = 133
    /// REMOTE_PROC_INTERFACE_DESTROY
    case interfaceDestroy = 134
    /// REMOTE_PROC_CONNECT_NUM_OF_DEFINED_INTERFACES
    case connectNumOfDefinedInterfaces = 137
    /// REMOTE_PROC_CONNECT_LIST_DEFINED_INTERFACES
    case connectListDefinedInterfaces = 138
    /// REMOTE_PROC_INTERFACE_IS_ACTIVE
    case interfaceIsActive = 156
    /// REMOTE_PROC_INTERFACE_CHANGE_BEGIN
    case interfaceChangeBegin = 220
    /// REMOTE_PROC_INTERFACE_CHANGE_COMMIT
    case interfaceChangeCommit = 221
    /// REMOTE_PROC_INTERFACE_CHANGE_ROLLBACK
    case interfaceChangeRollback = 222
    /// REMOTE_PROC_CONNECT_LIST_ALL_INTERFACES
    case connectListAllInterfaces = 284

    // MARK: Node devices
    /// REMOTE_PROC_NODE_NUM_OF_DEVICES
    case nodeNumOfDevices = 111
    /// REMOTE_PROC_NODE_LIST_DEVICES
    case nodeListDevices = 112
    /// REMOTE_PROC_NODE_DEVICE_LOOKUP_BY_NAME
    case nodeDeviceLookupByName = 113
    /// REMOTE_PROC_NODE_DEVICE_GET_XML_DESC
    case nodeDeviceGetXMLDesc = 114
    /// REMOTE_PROC_NODE_DEVICE_GET_PARENT
    case nodeDeviceGetParent = 115
    /// REMOTE_PROC_NODE_DEVICE_NUM_OF_CAPS
    case nodeDeviceNumOfCaps = 116
    /// REMOTE_PROC_NODE_DEVICE_LIST_CAPS
    case nodeDeviceListCaps = 117
    /// REMOTE_PROC_NODE_DEVICE_DETTACH (libvirt's spelling)
    case nodeDeviceDettach = 118
    /// REMOTE_PROC_NODE_DEVICE_RE_ATTACH
    case nodeDeviceReAttach = 119
    /// REMOTE_PROC_NODE_DEVICE_RESET
    case nodeDeviceReset = 120
    /// REMOTE_PROC_NODE_DEVICE_CREATE_XML
    case nodeDeviceCreateXML = 123
    /// REMOTE_PROC_NODE_DEVICE_DESTROY
    case nodeDeviceDestroy = 124
    /// REMOTE_PROC_CONNECT_LIST_ALL_NODE_DEVICES
    case connectListAllNodeDevices = 285
    /// REMOTE_PROC_NODE_DEVICE_DETACH_FLAGS
    case nodeDeviceDetachFlags = 301
    /// REMOTE_PROC_CONNECT_NODE_DEVICE_EVENT_REGISTER_ANY
    case connectNodeDeviceEventRegisterAny = 374
    /// REMOTE_PROC_CONNECT_NODE_DEVICE_EVENT_DEREGISTER_ANY
    case connectNodeDeviceEventDeregisterAny = 375
    /// REMOTE_PROC_NODE_DEVICE_EVENT_LIFECYCLE (a server MESSAGE)
    case nodeDeviceEventLifecycle = 376
    /// REMOTE_PROC_NODE_DEVICE_EVENT_UPDATE (a server MESSAGE)
    case nodeDeviceEventUpdate = 377
    /// REMOTE_PROC_NODE_DEVICE_DEFINE_XML
    case nodeDeviceDefineXML = 428
    /// REMOTE_PROC_NODE_DEVICE_UNDEFINE
    case nodeDeviceUndefine = 429
    /// REMOTE_PROC_NODE_DEVICE_CREATE
    case nodeDeviceCreate = 430
    /// REMOTE_PROC_NODE_DEVICE_GET_AUTOSTART
    case nodeDeviceGetAutostart = 433
    /// REMOTE_PROC_NODE_DEVICE_SET_AUTOSTART
    case nodeDeviceSetAutostart = 434
    /// REMOTE_PROC_NODE_DEVICE_IS_PERSISTENT
    case nodeDeviceIsPersistent = 435
    /// REMOTE_PROC_NODE_DEVICE_IS_ACTIVE
    case nodeDeviceIsActive = 436

    // MARK: Domains (virtqemud)
    /// REMOTE_PROC_NODE_GET_INFO
    case nodeGetInfo = 6
    /// REMOTE_PROC_DOMAIN_CREATE (start a defined domain)
    case domainCreate = 9
    /// REMOTE_PROC_DOMAIN_CREATE_XML (a transient domain)
    case domainCreateXML = 10
    /// REMOTE_PROC_DOMAIN_DEFINE_XML
    case domainDefineXML = 11
    /// REMOTE_PROC_DOMAIN_DESTROY
    case domainDestroy = 12
    /// REMOTE_PROC_DOMAIN_GET_XML_DESC
    case domainGetXMLDesc = 14
    /// REMOTE_PROC_DOMAIN_GET_AUTOSTART
    case domainGetAutostart = 15
    /// REMOTE_PROC_DOMAIN_GET_INFO
    case domainGetInfo = 16
    /// REMOTE_PROC_CONNECT_LIST_DEFINED_DOMAINS
    case connectListDefinedDomains = 21
    /// REMOTE_PROC_DOMAIN_LOOKUP_BY_ID
    case domainLookupByID = 22
    /// REMOTE_PROC_DOMAIN_LOOKUP_BY_NAME
    case domainLookupByName = 23
    /// REMOTE_PROC_DOMAIN_LOOKUP_BY_UUID
    case domainLookupByUUID = 24
    /// REMOTE_PROC_CONNECT_NUM_OF_DEFINED_DOMAINS
    case connectNumOfDefinedDomains = 25
    /// REMOTE_PROC_DOMAIN_SET_AUTOSTART
    case domainSetAutostart = 29
    /// REMOTE_PROC_DOMAIN_SHUTDOWN
    case domainShutdown = 33
    /// REMOTE_PROC_DOMAIN_UNDEFINE
    case domainUndefine = 35
    /// REMOTE_PROC_NODE_GET_SECURITY_MODEL (virsh dominfo asks)
    case nodeGetSecurityModel = 122
    /// REMOTE_PROC_CONNECT_LIST_DOMAINS (ids of running domains)
    case connectListDomains = 37
    /// REMOTE_PROC_CONNECT_NUM_OF_DOMAINS
    case connectNumOfDomains = 51
    /// REMOTE_PROC_DOMAIN_INTERFACE_STATS
    case domainInterfaceStats = 65
    /// REMOTE_PROC_CONNECT_DOMAIN_EVENT_REGISTER (old style, one per connection)
    case connectDomainEventRegister = 105
    /// REMOTE_PROC_CONNECT_DOMAIN_EVENT_DEREGISTER
    case connectDomainEventDeregister = 106
    /// REMOTE_PROC_DOMAIN_EVENT_LIFECYCLE (a server MESSAGE for old-style registrations)
    case domainEventLifecycle = 107
    /// REMOTE_PROC_DOMAIN_IS_ACTIVE
    case domainIsActive = 150
    /// REMOTE_PROC_DOMAIN_IS_PERSISTENT
    case domainIsPersistent = 151
    /// REMOTE_PROC_DOMAIN_UPDATE_DEVICE_FLAGS
    case domainUpdateDeviceFlags = 174
    /// REMOTE_PROC_DOMAIN_HAS_MANAGED_SAVE_IMAGE (virsh undefine asks)
    case domainHasManagedSaveImage = 183
    /// REMOTE_PROC_DOMAIN_SNAPSHOT_NUM (virsh undefine asks)
    case domainSnapshotNum = 187
    /// REMOTE_PROC_DOMAIN_CREATE_WITH_FLAGS
    case domainCreateWithFlags = 196
    /// REMOTE_PROC_DOMAIN_IS_UPDATED
    case domainIsUpdated = 202
    /// REMOTE_PROC_DOMAIN_GET_STATE
    case domainGetState = 212
    /// REMOTE_PROC_DOMAIN_UNDEFINE_FLAGS
    case domainUndefineFlags = 231
    /// REMOTE_PROC_DOMAIN_DESTROY_FLAGS
    case domainDestroyFlags = 234
    /// REMOTE_PROC_DOMAIN_SET_INTERFACE_PARAMETERS
    case domainSetInterfaceParameters = 256
    /// REMOTE_PROC_DOMAIN_GET_INTERFACE_PARAMETERS
    case domainGetInterfaceParameters = 257
    /// REMOTE_PROC_DOMAIN_SHUTDOWN_FLAGS
    case domainShutdownFlags = 258
    /// REMOTE_PROC_CONNECT_LIST_ALL_DOMAINS
    case connectListAllDomains = 273
    /// REMOTE_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY
    case connectDomainEventCallbackRegisterAny = 316
    /// REMOTE_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_DEREGISTER_ANY
    case connectDomainEventCallbackDeregisterAny = 317
    /// REMOTE_PROC_DOMAIN_EVENT_CALLBACK_LIFECYCLE (a server MESSAGE)
    case domainEventCallbackLifecycle = 318
    /// REMOTE_PROC_DOMAIN_DEFINE_XML_FLAGS
    case domainDefineXMLFlags = 350
    /// REMOTE_PROC_DOMAIN_INTERFACE_ADDRESSES
    case domainInterfaceAddresses = 353

    /// Looks up a procedure of REMOTE_PROGRAM, throwing libvirt's "unknown procedure" fault.
    public init(number: Int32) throws(ProtocolError) {
        guard let procedure = RemoteProcedure(rawValue: number) else {
            throw .unknownProcedure(program: ProgramNumber.remote.rawValue, procedure: number)
        }
        self = procedure
    }

    /// libvirt's name, e.g. `REMOTE_PROC_NETWORK_GET_XML_DESC`, for logs and capture tools.
    ///
    /// Derived from the case name: a word starts at an upper-case letter that follows a lower-case
    /// one, or that ends an acronym (`XMLDesc` is `XML_DESC`).
    public var libvirtName: String {
        let characters = Array(String(describing: self))
        var name = "REMOTE_PROC_"
        for (index, character) in characters.enumerated() {
            if index > 0, character.isUppercase {
                let previous = characters[index - 1]
                let next = index + 1 < characters.count ? characters[index + 1] : nil
                if previous.isLowercase || (previous.isUppercase && next?.isLowercase == true) {
                    name.append("_")
                }
            }
            name += character.uppercased()
        }
        return name
    }
}

/// Procedures of the keepalive program; both travel as MESSAGE with an empty payload.
public enum KeepaliveProcedure: Int32, Sendable, CaseIterable {
    /// "Are you there?" Sent by either side; the server PINGs idle clients.
    case ping = 1
    /// The answer to a PING.
    case pong = 2
}
