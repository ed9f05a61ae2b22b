import NetCore
import NetXML

/// The `<owner>` of a network port: the guest (domain) whose NIC holds the port.
///
/// libvirt keys ports by owner when it reconnects guests after a restart, so both parts are required.
public struct NetworkPortOwner: Hashable, Sendable {
    /// The owner's name (a domain name); never empty.
    public let name: String
    /// The owner's UUID.
    public let uuid: LibvirtUUID

    /// Creates an owner, refusing an empty name as libvirt does.
    public init(name: String, uuid: LibvirtUUID) throws(PatchbayError) {
        guard !name.isEmpty else { throw .internalError("network port has no owner name") }
        self.name = name
        self.uuid = uuid
    }

    /// Reads `<owner><name/><uuid/></owner>` from a `<networkport>` element.
    ///
    /// Like libvirt's XPath lookups, the first `owner/name` and `owner/uuid` in document order win
    /// and an empty value counts as missing (owner attributes are therefore "no owner name").
    public init(port element: XMLElement) throws(PatchbayError) {
        let owners = element.elements("owner")
        guard let name = owners.lazy.compactMap({ $0.element("name") }).first?.deepText, !name.isEmpty else {
            throw .internalError("network port has no owner name")
        }
        guard let uuidText = owners.lazy.compactMap({ $0.element("uuid") }).first?.deepText, !uuidText.isEmpty else {
            throw .internalError("network port has no owner UUID")
        }
        try self.init(name: name, uuid: try LibvirtUUID(portText: uuidText))
    }

    /// The `<owner>` element.
    public var xml: XMLElement {
        var element = XMLElement("owner")
        element.appendText("name", name)
        element.appendText("uuid", uuid.description)
        return element
    }
}
