import NetConf
import NetCore

/// The NIC wiring is what the lifecycle plugs guests' NICs into.
extension NICWiring: GuestNICPlumbing {
    public func connect(_ interface: DomainInterface, slot: GuestNICSlot, link: @escaping GuestLinkSetter) throws(PatchbayError) {
        let tap = try InterfaceName(slot.tap)
        let nic = GuestNIC(domain: slot.domain, domainUUID: slot.domainUUID, alias: slot.alias, tap: tap, mac: slot.mac, model: slot.model)
        try apply(interface, to: nic, link: LinkSetterControl(setter: link))
    }

    public func recoverNICs(domain: LibvirtUUID, link: GuestLinkSetter?) -> [String] {
        recover(domain: domain, link: link.map { LinkSetterControl(setter: $0) }).problems
    }
}

/// `set_link` on a guest's monitor, as the NIC wiring's link control.
struct LinkSetterControl: GuestLinkControl {
    let setter: GuestLinkSetter
    func setLink(alias: String, up: Bool) throws(PatchbayError) { try setter(alias, up) }
}
