import NetCore

/// One guest NIC as the NIC wiring knows it: fixed for the guest's run (the tap never changes,
/// DESIGN.md "one tap per guest NIC, for the guest's whole life").
public struct GuestNIC: Sendable, Hashable {
    /// The domain's name (the owner of the NIC's ports, as `net-port-list` shows it).
    public var domain: String
    /// The domain's UUID.
    public var domainUUID: LibvirtUUID
    /// The device alias QEMU knows the NIC by (`net0`, `ua-…`): what `set_link` names.
    public var alias: String
    /// The NIC's tap.
    public var tap: InterfaceName
    /// The guest's MAC.
    public var mac: MACAddress
    /// The emulated model (`virtio`, `e1000`…), nil for QEMU's default.
    public var model: String?

    /// A NIC.
    public init(domain: String, domainUUID: LibvirtUUID, alias: String, tap: InterfaceName, mac: MACAddress, model: String? = nil) {
        self.domain = domain
        self.domainUUID = domainUUID
        self.alias = alias
        self.tap = tap
        self.mac = mac
        self.model = model
    }
}

/// The guest side of a NIC's link: QMP `set_link` on the running QEMU. The guest driver
/// implements it per domain; the NIC wiring flaps the link around every re-wiring so that the
/// guest flushes its neighbour cache and redoes DHCP.
public protocol GuestLinkControl: Sendable {
    /// Sets the carrier the guest sees on the NIC with `alias`.
    func setLink(alias: String, up: Bool) throws(PatchbayError)
}
