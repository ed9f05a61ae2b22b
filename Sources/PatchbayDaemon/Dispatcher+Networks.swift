import NetConf
import NetCore
import NetDriver
import RemoteProtocol

extension Dispatcher {
    /// Network procedures (nil: not one of them).
    func networkCall(_ procedure: RemoteProcedure, payload: [UInt8], session: ClientSession) throws(PatchbayError) -> (any XDREncodable)? {
        switch procedure {
        case .connectNumOfNetworks:
            return IntRet(Int32(clamping: driver.list(.active).count))
        case .connectNumOfDefinedNetworks:
            return IntRet(Int32(clamping: driver.list(.inactive).count))
        case .connectListNetworks, .connectListDefinedNetworks:
            let args = try arguments(ConnectListNetworksArgs.self, procedure, payload)
            guard args.maxNames >= 0, UInt32(args.maxNames) <= RemoteLimits.networkList else {
                throw PatchbayError(.rpc, "too many remote networks requested", domain: .rpc)
            }
            let filter: NetworkListFilter = procedure == .connectListNetworks ? .active : .inactive
            return ConnectListNetworksRet(names: driver.list(filter).prefix(Int(args.maxNames)).map(\.name))
        case .connectListAllNetworks:
            let args = try arguments(ListAllArgs.self, procedure, payload)
            try checkFlags(args.flags, allowed: 0x3f, procedure)
            let networks = driver.list(NetworkListFilter(rawValue: args.flags)).map(\.reference)
            return ConnectListAllNetworksRet(networks: args.needResults != 0 ? networks : [], count: UInt32(networks.count))
        case .networkLookupByName:
            return NetworkMessage(try driver.lookup(name: try arguments(StringMessage.self, procedure, payload).value).reference)
        case .networkLookupByUUID:
            return NetworkMessage(try driver.lookup(uuid: try arguments(NetworkLookupByUUIDArgs.self, procedure, payload).uuid).reference)
        case .networkDefineXML:
            return NetworkMessage(try driver.define(xml: try arguments(StringMessage.self, procedure, payload).value).reference)
        case .networkCreateXML:
            return NetworkMessage(try driver.create(xml: try arguments(StringMessage.self, procedure, payload).value).reference)
        case .networkDefineXMLFlags, .networkCreateXMLFlags:
            let args = try arguments(XMLFlagsArgs.self, procedure, payload)
            // VIR_NETWORK_DEFINE_VALIDATE / VIR_NETWORK_CREATE_VALIDATE: Patchbay always validates.
            try checkFlags(args.flags, allowed: 1, procedure)
            let summary = procedure == .networkDefineXMLFlags ? try driver.define(xml: args.xml) : try driver.create(xml: args.xml)
            return NetworkMessage(summary.reference)
        case .networkCreate:
            try driver.start(name: try network(procedure, payload))
            return XDRVoid()
        case .networkDestroy:
            try driver.destroy(name: try network(procedure, payload))
            return XDRVoid()
        case .networkUndefine:
            try driver.undefine(name: try network(procedure, payload))
            return XDRVoid()
        case .networkIsActive:
            return IntRet(try driver.lookup(name: try network(procedure, payload)).isActive)
        case .networkIsPersistent:
            return IntRet(try driver.lookup(name: try network(procedure, payload)).isPersistent)
        case .networkGetAutostart:
            return IntRet(try driver.lookup(name: try network(procedure, payload)).autostart)
        case .networkSetAutostart:
            let args = try arguments(NetworkSetAutostartArgs.self, procedure, payload)
            try driver.setAutostart(name: args.network.name, args.autostart != 0)
            return XDRVoid()
        case .networkGetBridgeName:
            return StringMessage(try driver.bridgeName(name: try network(procedure, payload)))
        case .networkGetXMLDesc:
            let args = try arguments(NetworkFlagsArgs.self, procedure, payload)
            // VIR_NETWORK_XML_INACTIVE = 1
            try checkFlags(args.flags, allowed: 1, procedure)
            return StringMessage(try driver.xml(name: args.network.name, inactive: args.flags & 1 != 0))
        case .networkUpdate:
            return try update(try arguments(NetworkUpdateArgs.self, procedure, payload))
        case .networkGetDHCPLeases:
            return try leases(try arguments(NetworkGetDHCPLeasesArgs.self, procedure, payload), procedure)
        case .connectNetworkEventRegisterAny:
            let args = try arguments(ConnectNetworkEventRegisterAnyArgs.self, procedure, payload)
            guard args.eventID == NetworkEventID.lifecycle.rawValue else {
                throw PatchbayError(.invalidArg, "unsupported event ID \(args.eventID)")
            }
            return EventCallbackMessage(callbackID: broker.register(session, kind: .networkLifecycle, network: args.network?.uuid))
        case .connectNetworkEventDeregisterAny:
            let args = try arguments(EventCallbackMessage.self, procedure, payload)
            try broker.deregister(session, kind: .networkLifecycle, callbackID: args.callbackID)
            return XDRVoid()
        default:
            return nil
        }
    }

    /// Whether a call that may start or stop a network, or create or delete a port, is quick to
    /// run (see `NetworkDriver.lifecycleIsQuick` and `portChangesAreQuick`): then it is answered
    /// without a worker thread. Anything that may spawn a process is not.
    func isQuick(_ procedure: RemoteProcedure, payload: [UInt8]) -> Bool {
        switch procedure {
        case .networkCreate, .networkDestroy:
            guard let name = try? network(procedure, payload) else { return false }
            return driver.lifecycleIsQuick(name: name)
        case .networkPortCreateXML, .networkPortDelete:
            // Both argument lists start with the network (the port's, for a delete): only that
            // is read here, not the port's XML.
            var decoder = XDRDecoder(payload)
            guard let network = try? NetworkReference(from: &decoder) else { return false }
            return driver.portChangesAreQuick(network: network.name)
        default:
            return false
        }
    }

    /// The network a `{remote_nonnull_network net}` call names.
    private func network(_ procedure: RemoteProcedure, _ payload: [UInt8]) throws(PatchbayError) -> String {
        try arguments(NetworkMessage.self, procedure, payload).network.name
    }

    private func update(_ args: NetworkUpdateArgs) throws(PatchbayError) -> XDRVoid {
        guard let command = NetworkUpdateCommand(rawValue: Int32(bitPattern: args.command)), command != .none else {
            throw PatchbayError(.invalidArg, "unrecognized network update command code \(args.command)")
        }
        guard let section = NetworkUpdateSection(rawValue: Int32(bitPattern: args.section)), section != .none else {
            throw PatchbayError(.invalidArg, "unrecognized network update section code \(args.section)")
        }
        try driver.update(name: args.network.name, command: command, section: section, parentIndex: Int(args.parentIndex),
                          xml: args.xml, flags: NetworkUpdateFlags(rawValue: args.flags))
        return XDRVoid()
    }

    private func leases(_ args: NetworkGetDHCPLeasesArgs, _ procedure: RemoteProcedure) throws(PatchbayError) -> NetworkGetDHCPLeasesRet {
        try checkFlags(args.flags, allowed: 0, procedure)
        let leases = try driver.dhcpLeases(name: args.network.name, mac: args.mac).map(NetworkDHCPLease.init)
        let kept = Array(leases.prefix(Int(RemoteLimits.dhcpLeases)))
        return NetworkGetDHCPLeasesRet(leases: args.needResults != 0 ? kept : [], count: UInt32(kept.count))
    }
}

extension NetworkSummary {
    /// `remote_nonnull_network` for this network.
    var reference: NetworkReference { NetworkReference(name: name, uuid: uuid) }
}
