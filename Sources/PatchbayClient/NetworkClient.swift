import NetCore
import RemoteProtocol

/// A network as `net-list` and `net-info` show it.
public struct NetworkStatus: Sendable, Equatable {
    /// Name.
    public var name: String
    /// UUID.
    public var uuid: LibvirtUUID
    /// Running.
    public var active: Bool
    /// Has a persistent definition.
    public var persistent: Bool
    /// Starts with the daemon.
    public var autostart: Bool
    /// Bridge name, when the daemon has one for it.
    public var bridge: String?
}

/// The network and port calls of libvirt's protocol, as typed methods over a `RemoteClient`.
public final class NetworkClient {
    /// The underlying RPC client (for events and Patchbay's own program).
    public let remote: RemoteClient

    /// Connects and opens `network:///system` on the socket.
    public init(socketPath: String, readOnly: Bool = false) throws(PatchbayError) {
        remote = try RemoteClient(socketPath: socketPath)
        try remote.open(readOnly: readOnly)
    }

    /// Closes the connection.
    public func close() { remote.close() }

    /// The network called `name`.
    public func lookup(_ name: String) throws(PatchbayError) -> NetworkReference {
        try remote.call(.networkLookupByName, StringMessage(name), returning: NetworkMessage.self).network
    }

    /// Networks matching libvirt's list flags (0: all).
    public func list(flags: UInt32 = 0) throws(PatchbayError) -> [NetworkReference] {
        try remote.call(.connectListAllNetworks, ListAllArgs(needResults: 1, flags: flags), returning: ConnectListAllNetworksRet.self).networks
    }

    /// What `net-info` shows.
    public func status(_ network: NetworkReference) throws(PatchbayError) -> NetworkStatus {
        let message = NetworkMessage(network)
        let bridge = try? remote.call(.networkGetBridgeName, message, returning: StringMessage.self).value
        return NetworkStatus(
            name: network.name, uuid: network.uuid,
            active: try remote.call(.networkIsActive, message, returning: IntRet.self).value != 0,
            persistent: try remote.call(.networkIsPersistent, message, returning: IntRet.self).value != 0,
            autostart: try remote.call(.networkGetAutostart, message, returning: IntRet.self).value != 0,
            bridge: bridge)
    }

    /// Defines a persistent network.
    public func define(xml: String) throws(PatchbayError) -> NetworkReference {
        try remote.call(.networkDefineXML, StringMessage(xml), returning: NetworkMessage.self).network
    }

    /// Creates and starts a transient network.
    public func create(xml: String) throws(PatchbayError) -> NetworkReference {
        try remote.call(.networkCreateXML, StringMessage(xml), returning: NetworkMessage.self).network
    }

    /// Starts a defined network.
    public func start(_ network: NetworkReference) throws(PatchbayError) { try remote.call(.networkCreate, NetworkMessage(network)) }

    /// Stops a network.
    public func destroy(_ network: NetworkReference) throws(PatchbayError) { try remote.call(.networkDestroy, NetworkMessage(network)) }

    /// Removes a persistent definition.
    public func undefine(_ network: NetworkReference) throws(PatchbayError) { try remote.call(.networkUndefine, NetworkMessage(network)) }

    /// Sets or clears autostart.
    public func setAutostart(_ network: NetworkReference, _ on: Bool) throws(PatchbayError) {
        try remote.call(.networkSetAutostart, NetworkSetAutostartArgs(network: network, autostart: on ? 1 : 0))
    }

    /// The network's XML (persistent form when `inactive`).
    public func xml(_ network: NetworkReference, inactive: Bool = false) throws(PatchbayError) -> String {
        try remote.call(.networkGetXMLDesc, NetworkFlagsArgs(network: network, flags: inactive ? 1 : 0), returning: StringMessage.self).value
    }

    /// net-update with libvirt's numeric command, section and flags.
    public func update(_ network: NetworkReference, command: UInt32, section: UInt32, parentIndex: Int32, xml: String,
                       flags: UInt32) throws(PatchbayError) {
        try remote.call(.networkUpdate, NetworkUpdateArgs(network: network, command: command, section: section,
                                                          parentIndex: parentIndex, xml: xml, flags: flags))
    }

    public func createPort(_ network: NetworkReference, xml: String) throws(PatchbayError) -> NetworkPortReference {
        try remote.call(.networkPortCreateXML, NetworkPortCreateXMLArgs(network: network, xml: xml), returning: NetworkPortMessage.self).port
    }

    /// The ports of a network.
    public func ports(_ network: NetworkReference) throws(PatchbayError) -> [NetworkPortReference] {
        try remote.call(.networkListAllPorts, NetworkListAllPortsArgs(network: network, needResults: 1),
                        returning: NetworkListAllPortsRet.self).ports
    }

    /// The port with `uuid`.
    public func port(_ network: NetworkReference, uuid: LibvirtUUID) throws(PatchbayError) -> NetworkPortReference {
        try remote.call(.networkPortLookupByUUID, NetworkPortLookupByUUIDArgs(network: network, uuid: uuid),
                        returning: NetworkPortMessage.self).port
    }

    /// A port's XML.
    public func portXML(_ port: NetworkPortReference) throws(PatchbayError) -> String {
        try remote.call(.networkPortGetXMLDesc, NetworkPortFlagsArgs(port: port), returning: StringMessage.self).value
    }

    /// Deletes a port.
    public func deletePort(_ port: NetworkPortReference) throws(PatchbayError) {
        try remote.call(.networkPortDelete, NetworkPortFlagsArgs(port: port))
    }

    /// Registers for lifecycle events of every network; returns the callback id.
    public func registerLifecycleEvents() throws(PatchbayError) -> Int32 {
        try remote.call(.connectNetworkEventRegisterAny, ConnectNetworkEventRegisterAnyArgs(eventID: NetworkEventID.lifecycle.rawValue),
                        returning: EventCallbackMessage.self).callbackID
    }

    /// Registers for Patchbay's port events of every network; returns the callback id.
    public func registerPortEvents() throws(PatchbayError) -> Int32 {
        try remote.call(.portEventRegister, PortEventRegisterArgs(), returning: EventCallbackMessage.self).callbackID
    }

    /// The drift report (`check`: compare with the kernel now).
    public func driftReport(check: Bool) throws(PatchbayError) -> DriftReportRet {
        try remote.call(.driftReport, DriftReportArgs(flags: check ? DriftReportArgs.checkNowFlag : 0), returning: DriftReportRet.self)
    }
}
