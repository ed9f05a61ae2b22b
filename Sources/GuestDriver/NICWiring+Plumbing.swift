import NetConf
import NetCore

/// The NIC wiring is what the lifecycle plugs guests' NICs into.
extension NICWiring: GuestNICPlumbing {
    public func connect(_ interface: DomainInterface, slot: GuestNIC, link: @escaping GuestLinkSetter) throws(PatchbayError) {
        try apply(interface, to: slot, link: LinkSetterControl(setter: link))
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
