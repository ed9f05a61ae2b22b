import NetConf
import NetCore
import NetXML

/// The NIC half of libvirt's update-device: which NIC an `<interface>` document names, and
/// whether the change can be made live by re-wiring the host side (everything but the device
/// QEMU emulates: model, MAC, PCI address — those need hot-unplug, which Patchbay refuses
/// before doing anything).
public enum NICUpdate {
    /// An update-device `<interface>` document: the seed's `type='none'` is read as libvirt's
    /// `type='null'` (unplugged). `macGiven` says whether the document names its NIC by MAC (a
    /// missing `<mac>` makes the parser invent one, which must not be matched).
    public static func interface(xml: String) throws(PatchbayError) -> (interface: DomainInterface, macGiven: Bool) {
        var element = try XMLParser.parse(xml, url: "(device_definition)")
        guard element.localName == "interface" else {
            throw PatchbayError(.operationUnsupported, "live update of device '\(element.localName)' is not supported", domain: .domain)
        }
        if let index = element.attributes.firstIndex(where: { $0.name == "type" && $0.value == "none" }) {
            element.attributes[index].value = InterfaceType.null.rawValue
        }
        let macGiven = element.element("mac")?.attribute("address") != nil
        return (try DomainInterface(xml: element), macGiven)
    }

    /// The index in `interfaces` of the NIC `requested` names: by MAC, else by alias.
    public static func find(_ requested: DomainInterface, in interfaces: [DomainInterface],
                            macGiven: Bool) throws(PatchbayError) -> Int {
        if macGiven {
            let matches = interfaces.indices.filter { interfaces[$0].mac.address == requested.mac.address }
            if matches.count == 1, let index = matches.first { return index }
            if matches.count > 1, let alias = requested.info.alias, let index = matches.first(where: { interfaces[$0].info.alias == alias }) {
                return index
            }
            if matches.count > 1 {
                throw PatchbayError(.operationFailed, "multiple devices matching MAC address \(requested.mac.address) found", domain: .domain)
            }
        } else if let alias = requested.info.alias, let index = interfaces.firstIndex(where: { $0.info.alias == alias }) {
            return index
        }
        throw PatchbayError(.operationFailed, "no device matching MAC address \(requested.mac.address) found", domain: .domain)
    }

    /// Refuses changes that need the guest's device replaced.
    public static func check(current: DomainInterface, requested: DomainInterface) throws(PatchbayError) {
        if current.model != requested.model {
            let from = current.model.map { "\($0)" } ?? "default"
            let to = requested.model.map { "\($0)" } ?? "default"
            throw PatchbayError(.operationUnsupported, "cannot modify network device model from \(from) to \(to)", domain: .domain)
        }
        if current.mac.address != requested.mac.address {
            throw PatchbayError(.operationUnsupported,
                                "cannot change network interface mac address from \(current.mac.address) to \(requested.mac.address)", domain: .domain)
        }
        if let address = requested.info.address, address != current.info.address {
            throw PatchbayError(.operationUnsupported, "cannot modify network device guest PCI address", domain: .domain)
        }
    }
}
