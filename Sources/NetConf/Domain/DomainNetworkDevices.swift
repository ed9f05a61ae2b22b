import NetCore
import NetXML

// PLACEHOLDER: replaced by the domain-interface work.
/// The network-related devices of a domain document: its `<interface>` and `<hostdev>` elements.
public struct DomainNetworkDevices: Sendable {
    /// Parses a whole `<domain>` document, keeping only what Patchbay models.
    public static func parse(domainXML: String) throws(PatchbayError) -> DomainNetworkDevices {
        throw .internalError("domain documents are not implemented yet")
    }
    /// The `<interface>` and `<hostdev>` elements in document order, formatted as libvirt would
    /// (for the live domain when `active`).
    public func formattedElements(active: Bool) -> [XMLElement] { [] }
}
