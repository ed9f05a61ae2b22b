import NetCore
import NetXML

/// A libvirt network port (`<networkport>`): one guest NIC's connection to a network.
///
/// The network driver creates one per NIC, stores it as a status file, and the guest driver reads
/// it back to learn how to plug the NIC. Parsing and formatting follow libvirt 9.0 exactly.
public struct NetworkPortDefinition: Hashable, Sendable {
    /// The port's UUID.
    public var uuid: LibvirtUUID
    /// The guest that holds the port.
    public var owner: NetworkPortOwner
    /// The network portgroup the port belongs to (its QoS, VLAN and profile come from there).
    public var group: String?
    /// The guest NIC's MAC address.
    public var mac: MACAddress
    /// The switch port profile.
    public var virtualPort: VirtualPort?
    /// The port's QoS.
    public var bandwidth: Bandwidth?
    /// The HTB class the network allotted to this port's `floor` (only printed with a bandwidth).
    public var classID: UInt32?
    /// VLAN tagging.
    public var vlan: VLAN?
    /// Port isolation.
    public var portOptions: PortOptions?
    /// Whether the host trusts the guest's receive filter changes (MAC/multicast).
    public var trustGuestRxFilters: Bool?
    /// How the port is connected on the host.
    public var plug: NetworkPortPlug

    /// Creates a port, normalising as libvirt does: an empty group is no group, class 0 is no class,
    /// a virtual port profile without type or parameters is no profile. A class without a bandwidth
    /// is dropped too: libvirt prints `classID` only on `<bandwidth>`, so it would not survive a save.
    public init(uuid: LibvirtUUID, owner: NetworkPortOwner, group: String? = nil, mac: MACAddress,
                virtualPort: VirtualPort? = nil, bandwidth: Bandwidth? = nil, classID: UInt32? = nil,
                vlan: VLAN? = nil, portOptions: PortOptions? = nil, trustGuestRxFilters: Bool? = nil,
                plug: NetworkPortPlug = .none) {
        self.uuid = uuid
        self.owner = owner
        self.group = group?.isEmpty == true ? nil : group
        self.mac = mac
        self.virtualPort = virtualPort.flatMap { $0.kind == nil && $0.setParameters.isEmpty ? nil : $0 }
        self.bandwidth = bandwidth
        self.classID = classID == 0 || bandwidth == nil ? nil : classID
        self.vlan = vlan
        self.portOptions = portOptions?.isolated == nil ? nil : portOptions
        self.trustGuestRxFilters = trustGuestRxFilters
        self.plug = plug
    }

    /// Parses a `<networkport>` document (libvirt names it `(networkport_definition)` in errors).
    public static func parse(xml: String) throws(PatchbayError) -> NetworkPortDefinition {
        try parse(element: try XMLParser.parse(xml, url: "(networkport_definition)"))
    }

    /// Parses a `<networkport>` element.
    ///
    /// Where libvirt reads a field with an XPath lookup, the first matching element wins and later
    /// duplicates are ignored, exactly as libvirt does.
    public static func parse(element: XMLElement) throws(PatchbayError) -> NetworkPortDefinition {
        guard element.localName == "networkport" else { throw .xml("unknown root element for network port") }

        guard let uuidText = element.element("uuid")?.deepText, !uuidText.isEmpty else {
            throw .internalError("network port has no uuid")
        }
        let uuid = try LibvirtUUID(portText: uuidText)
        let owner = try NetworkPortOwner(port: element)
        let group = element.element("group")?.deepText
        let virtualPort = try element.element("virtualport").map { e throws(PatchbayError) in try VirtualPort(xml: e) }

        guard let macText = element.elements("mac").lazy.compactMap({ $0.attribute("address") }).first,
              !macText.isEmpty else {
            throw .internalError("network port has no mac")
        }
        let mac = try parseMAC(macText)

        var bandwidth: Bandwidth?
        var classID: UInt32?
        if let bandwidthElement = element.element("bandwidth") {
            if let text = bandwidthElement.attribute("classID") {
                guard let value = parseClassID(text) else { throw .internalError("Unable to parse class id '\(text)'") }
                classID = value
            }
            // A port may carry a floor; whether its network allows one is checked when it is used.
            bandwidth = try Bandwidth.parse(bandwidthElement, allowFloor: true)
        }
        let vlan = try element.element("vlan").map { e throws(PatchbayError) in try VLAN(xml: e) }
        let portOptions = try element.element("port").flatMap { e throws(PatchbayError) in try PortOptions.parse(e) }
        let trust = try element.element("rxfilters")?.yesNo("trustGuest")
        let plug = try NetworkPortPlug(xml: element.element("plug"))

        return NetworkPortDefinition(uuid: uuid, owner: owner, group: group, mac: mac, virtualPort: virtualPort,
                                     bandwidth: bandwidth, classID: classID, vlan: vlan, portOptions: portOptions,
                                     trustGuestRxFilters: trust, plug: plug)
    }

    /// libvirt's MAC syntax for ports: six 1–2 digit hex octets separated by colons only.
    private static func parseMAC(_ text: String) throws(PatchbayError) -> MACAddress {
        // NetCore also accepts dash separators (for other documents); libvirt's port parser does not.
        guard !text.utf8.contains(UInt8(ascii: "-")) else { throw .internalError("Unable to parse MAC '\(text)'") }
        return try MACAddress(text)
    }

    /// An unsigned 32-bit decimal, as libvirt reads `classID` (`virStrToLong_ui`, base 10).
    private static func parseClassID(_ text: String) -> UInt32? {
        guard !text.isEmpty, text.unicodeScalars.allSatisfy({ $0.value >= 0x30 && $0.value <= 0x39 }) else { return nil }
        return UInt32(text)
    }

    /// The `<networkport>` element, children in libvirt's order.
    public var xml: XMLElement {
        var element = XMLElement("networkport")
        element.appendText("uuid", uuid.description)
        element.append(owner.xml)
        element.appendText("group", group)
        element.append(XMLElement("mac", attributes: [("address", mac.description)]))
        element.append(virtualPort?.xml)
        if let bandwidth {
            element.append(bandwidth.xml(extraAttributes: classID.map { [("classID", String($0))] } ?? []))
        }
        element.append(vlan?.xml)
        element.append(portOptions?.xml)
        element.append(trustGuestRxFilters.map { XMLElement("rxfilters", attributes: [("trustGuest", $0 ? "yes" : "no")]) })
        element.append(plug.xml)
        return element
    }

    /// The document text, formatted exactly as libvirt formats it.
    public func formatXML() -> String { XMLWriter.document(xml) }
}
