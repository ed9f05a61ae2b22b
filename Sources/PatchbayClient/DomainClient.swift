import NetCore
import RemoteProtocol

/// A guest as `guest-list` shows it.
public struct DomainStatus: Sendable, Equatable {
    public var reference: DomainReference
    /// libvirt's `virDomainState` number (1 running, 3 paused, 5 shut off, ...).
    public var state: Int32
    /// Has a persistent definition.
    public var persistent: Bool
    /// Starts with the daemon.
    public var autostart: Bool

    /// The state as virsh words it.
    public var stateName: String {
        switch state {
        case 1: "running"
        case 2: "idle"
        case 3: "paused"
        case 4: "in shutdown"
        case 5: "shut off"
        case 6: "crashed"
        case 7: "pmsuspended"
        default: "no state"
        }
    }
}

/// The QEMU-driver calls of libvirt's protocol on virtqemud-sock, as typed methods.
public final class DomainClient {
    /// The underlying RPC client.
    public let remote: RemoteClient

    /// Connects and opens `qemu:///system` on the socket.
    public init(socketPath: String, readOnly: Bool = false) throws(PatchbayError) {
        remote = try RemoteClient(socketPath: socketPath)
        try remote.open(uri: "qemu:///system", readOnly: readOnly)
    }

    /// Closes the connection.
    public func close() { remote.close() }

    /// The domain called `name`.
    public func lookup(_ name: String) throws(PatchbayError) -> DomainReference {
        try remote.call(.domainLookupByName, StringMessage(name), returning: DomainMessage.self).domain
    }

    /// Every domain with its state, persistence and autostart mark.
    public func list() throws(PatchbayError) -> [DomainStatus] {
        let domains = try remote.call(.connectListAllDomains, ListAllArgs(needResults: 1, flags: 0),
                                      returning: ConnectListAllDomainsRet.self).domains
        var statuses: [DomainStatus] = []
        for domain in domains {
            let message = DomainMessage(domain)
            statuses.append(DomainStatus(
                reference: domain,
                state: try remote.call(.domainGetState, DomainFlagsArgs(domain: domain), returning: DomainGetStateRet.self).state,
                persistent: try remote.call(.domainIsPersistent, message, returning: IntRet.self).value != 0,
                autostart: try remote.call(.domainGetAutostart, message, returning: IntRet.self).value != 0))
        }
        return statuses
    }

    /// Defines (or redefines) a persistent domain.
    public func define(xml: String) throws(PatchbayError) -> DomainReference {
        try remote.call(.domainDefineXML, StringMessage(xml), returning: DomainMessage.self).domain
    }

    /// Starts a defined domain, paused if asked (VIR_DOMAIN_START_PAUSED).
    public func start(_ domain: DomainReference, paused: Bool = false) throws(PatchbayError) -> DomainReference {
        try remote.call(.domainCreateWithFlags, DomainFlagsArgs(domain: domain, flags: paused ? 1 : 0),
                        returning: DomainMessage.self).domain
    }

    /// Kills the domain's QEMU at once.
    public func destroy(_ domain: DomainReference) throws(PatchbayError) { try remote.call(.domainDestroy, DomainMessage(domain)) }

    /// Presses the guest's ACPI power button.
    public func shutdown(_ domain: DomainReference) throws(PatchbayError) { try remote.call(.domainShutdown, DomainMessage(domain)) }

    /// Removes the persistent definition.
    public func undefine(_ domain: DomainReference) throws(PatchbayError) { try remote.call(.domainUndefine, DomainMessage(domain)) }

    /// The domain's XML (the persistent definition when `inactive`).
    public func xml(_ domain: DomainReference, inactive: Bool = false) throws(PatchbayError) -> String {
        try remote.call(.domainGetXMLDesc, DomainFlagsArgs(domain: domain, flags: inactive ? 2 : 0), returning: StringMessage.self).value
    }

    /// libvirt's update-device: plug, unplug, move or retune a NIC (flags: live 1, config 2).
    public func updateDevice(_ domain: DomainReference, xml: String, flags: UInt32) throws(PatchbayError) {
        try remote.call(.domainUpdateDeviceFlags, DomainXMLFlagsArgs(domain: domain, xml: xml, flags: flags))
    }

    /// The NICs' addresses from Patchbay networks' DHCP leases.
    public func interfaceAddresses(_ domain: DomainReference) throws(PatchbayError) -> [DomainInterfaceMessage] {
        try remote.call(.domainInterfaceAddresses, DomainInterfaceAddressesArgs(domain: domain, source: 0),
                        returning: DomainInterfaceAddressesRet.self).interfaces
    }
}
