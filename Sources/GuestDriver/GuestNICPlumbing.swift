import NetConf
import NetCore

/// Sets a NIC's carrier as the guest sees it (QMP `set_link` on the guest's monitor).
public typealias GuestLinkSetter = @Sendable (_ alias: String, _ up: Bool) throws(PatchbayError) -> Void

/// The lifecycle's view of the NIC wiring (the `nic` part: ports on networks, the tap's host
/// side, QoS, link flaps). The lifecycle calls it at start, destroy and restart; `update-device`
/// goes to it directly.
public protocol GuestNICPlumbing: AnyObject, Sendable {
    /// Brings a just-created NIC (its tap attached to nothing) to the state `interface` describes.
    func connect(_ interface: DomainInterface, slot: GuestNIC, link: @escaping GuestLinkSetter) throws(PatchbayError)
    /// Releases every NIC of the domain: host attachments, then ports; idempotent.
    func releaseAll(domain: LibvirtUUID) throws(PatchbayError)
    /// After a restart of patchbayd with the domain still running: finishes or undoes interrupted
    /// changes and re-checks each NIC. Returns problems found (for the drift report).
    func recoverNICs(domain: LibvirtUUID, link: GuestLinkSetter?) -> [String]
    /// `interface` as the live definition shows it (the connection in effect, the link asked for).
    func liveInterface(_ interface: DomainInterface, domain: LibvirtUUID, alias: String) -> DomainInterface
}
