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

    /// Parses `<teaming type= persistent=/>` of an `<interface>`, or of a `<hostdev>` when `forHostdev`
    /// (a hostdev can only be the transient half, and libvirt words its refusals differently).
    /// A `<teaming>` without a type (or an empty one) is no teaming at all (nil), as libvirt reads it,
    /// unless it names a persistent partner.
    public static func parse(_ element: XMLElement, forHostdev: Bool = false) throws(PatchbayError) -> InterfaceTeaming? {
        guard let text = element.attribute("type") else {
            if element.attribute("persistent") != nil {
                throw PatchbayError(.configUnsupported, "unknown teaming type '(null)'", domain: .domain)
            }
            return nil
        }
        if text.isEmpty { return nil }
        guard let kind = Kind(rawValue: text) else {
            throw PatchbayError(.configUnsupported, "unknown teaming type '\(text)'", domain: .domain)
        }
        let persistent = element.attribute("persistent")
        switch (kind, persistent) {
        case (.persistent, nil) where !forHostdev:
            return .persistent
        case (.persistent, _):
            throw PatchbayError(.configUnsupported, forHostdev
                ? "teaming hostdev devices must have type='transient'"
                : "teaming persistent attribute not allowed if teaming type is 'persistent'", domain: .domain)
        case (.transient, let persistent?):
            return .transient(persistent: persistent)
        case (.transient, nil):
            throw PatchbayError(.configUnsupported, forHostdev
                ? "missing required persistent attribute in hostdev teaming element"
                : "teaming persistent attribute must be set if teaming type is 'transient'", domain: .domain)
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
