import NetCore
import NetXML

/// `<teaming>`: virtio failover pairing of a persistent virtio NIC with a transient hostdev NIC.
public enum InterfaceTeaming: Hashable, Sendable {
    /// The virtio NIC that stays while the VF is unplugged for migration.
    case persistent
    /// The VF; names the alias of its persistent partner.
    case transient(persistent: String)

    private enum Kind: String, CaseIterable {
        case persistent, transient
    }

    /// Parses `<teaming type= persistent=/>`.
    public init(xml element: XMLElement) throws(PatchbayError) {
        guard let kind = try element.enumeration("type", Kind.self) else {
            throw PatchbayError(.xmlError, "missing teaming type (persistent|transient)", domain: .domain)
        }
        let persistent = element.attribute("persistent")
        switch kind {
        case .persistent:
            if persistent != nil {
                throw PatchbayError(.xmlError, "teaming persistent attribute not allowed if teaming type is 'persistent'", domain: .domain)
            }
            self = .persistent
        case .transient:
            guard let persistent else {
                throw PatchbayError(.xmlError, "teaming persistent attribute must be set if teaming type is 'transient'", domain: .domain)
            }
            self = .transient(persistent: persistent)
        }
    }

    /// The `<teaming>` element.
    public var xml: XMLElement {
        switch self {
        case .persistent: XMLElement("teaming", attributes: [("type", "persistent")])
        case .transient(let persistent): XMLElement("teaming", attributes: [("type", "transient"), ("persistent", persistent)])
        }
    }
}
