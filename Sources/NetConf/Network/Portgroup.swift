import NetCore
import NetXML

/// A `<portgroup>`: a named set of port settings guests can pick (`<source portgroup=...>`).
public struct Portgroup: Hashable, Sendable {
    /// Name, unique within the network.
    public var name: String
    /// Used by guests that name no portgroup (at most one per network).
    public var isDefault: Bool = false
    /// Whether guests' receive filters are trusted.
    public var trustGuestRxFilters: Bool?
    /// Port profile merged into ports of this group.
    public var virtualPort: VirtualPort?
    /// QoS for ports of this group.
    public var bandwidth: Bandwidth?
    /// VLAN tags for ports of this group.
    public var vlan: VLAN?

    public init(name: String, isDefault: Bool = false) {
        self.name = name
        self.isDefault = isDefault
    }

    /// Parses `<portgroup>`.
    public static func parse(_ element: XMLElement) throws(PatchbayError) -> Portgroup {
        guard let name = element.nonEmptyAttribute("name") else {
            throw .xml("Missing required name attribute in portgroup")
        }
        var group = Portgroup(name: name)
        // libvirt accepts any spelling of "yes" and treats everything else as no.
        group.isDefault = element.nonEmptyAttribute("default")?.lowercased() == "yes"
        group.trustGuestRxFilters = try element.yesNo("trustGuestRxFilters")
        if let port = element.first("virtualport") { group.virtualPort = try VirtualPort(xml: port) }
        if let bandwidth = element.first("bandwidth") { group.bandwidth = try Bandwidth.parse(bandwidth, allowFloor: false) }
        if let vlan = element.first("vlan") { group.vlan = try VLAN(xml: vlan) }
        return group
    }

    /// The `<portgroup>` element (vlan, virtualport, bandwidth — libvirt's order), always written open.
    public var xml: XMLElement {
        var element = XMLElement("portgroup", attributes: [("name", name)], keepsOpenWhenEmpty: true)
        if isDefault { element.set("default", "yes") }
        element.set("trustGuestRxFilters", yesNoText(trustGuestRxFilters))
        element.append(vlan?.xml)
        element.append(virtualPort.flatMap(virtualPortElement))
        element.append(bandwidth?.xml())
        return element
    }
}

/// libvirt omits a `<virtualport>` that has neither a type nor any parameter.
func virtualPortElement(_ port: VirtualPort) -> XMLElement? {
    port.kind == nil && port.setParameters.isEmpty ? nil : port.xml
}
