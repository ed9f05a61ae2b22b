import NetCore
import NetXML

/// Patchbay's own additions to a domain, written in the domain's `<metadata>` under Patchbay's
/// namespace so that the document still validates against libvirt's schema (and libvirt keeps
/// them untouched):
///
/// ```xml
/// <metadata>
///   <patchbay:domain xmlns:patchbay="https://patchbay.dev/xmlns/domain/1.0">
///     <patchbay:emulated-transient alias="ua-standby0"/>
///   </patchbay:domain>
/// </metadata>
/// ```
///
/// `emulated-transient` lets the NIC with that alias be the transient half of a `<teaming>` pair
/// although it is an emulated NIC on a network rather than a host device — for hosts without SR-IOV.
public struct PatchbayDomainExtensions: Hashable, Sendable {
    /// Patchbay's domain metadata namespace.
    public static let namespace = "https://patchbay.dev/xmlns/domain/1.0"

    /// Aliases of NICs allowed to be emulated transient teaming partners.
    public var emulatedTransients: Set<String> = []

    /// No extensions.
    public init() {}

    /// Reads the extensions of a `<domain>` element.
    public init(domain: XMLElement) throws(PatchbayError) {
        let blocks = (domain.element("metadata")?.elements ?? []).filter {
            $0.namespaceURI == Self.namespace && $0.localName == "domain"
        }
        for block in blocks {
            for element in block.elements where element.namespaceURI == Self.namespace && element.localName == "emulated-transient" {
                guard let alias = element.attribute("alias"), !alias.isEmpty else {
                    throw PatchbayError(.xmlError, "missing required attribute 'alias' in Patchbay's emulated-transient element", domain: .domain)
                }
                emulatedTransients.insert(alias)
            }
        }
    }
}
