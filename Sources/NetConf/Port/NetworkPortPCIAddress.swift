import NetCore
import NetXML

extension PCIAddress {
    /// Parses a port plug's `<address domain bus slot function/>`: absent parts are zero, numbers
    /// are read as C's `strtoul` with base 0 (hex, octal, decimal), as libvirt does. `type` and
    /// `multifunction` are accepted but not kept: libvirt prints neither for ports.
    static func parsePortPlug(_ element: XMLElement) throws(PatchbayError) -> PCIAddress {
        func part(_ name: String) throws(PatchbayError) -> UInt64 {
            guard let text = element.attribute(name) else { return 0 }
            guard let value = LibvirtNumber.unsignedBase0(text), value <= UInt64(UInt32.max) else {
                throw .xml("Invalid value for attribute '\(name)' in element '\(element.name)': '\(text)'. Expected non-negative integer value")
            }
            return value
        }
        _ = try element.onOff("multifunction")
        return try PCIAddress(domain: try part("domain"), bus: try part("bus"), slot: try part("slot"), function: try part("function"),
                              errorDomain: .network)
    }

    /// The `<address>` element as libvirt prints it for a port: no `type`, fixed-width hex.
    var portPlugXML: XMLElement {
        XMLElement("address", attributes: attributes.filter { $0.0 != "multifunction" })
    }
}
