import NetCore
import NetXML

// PLACEHOLDER: replaced by the network-document work.
/// A libvirt network definition.
public struct NetworkDefinition: Sendable {
    /// Parses a `<network>` document.
    public static func parse(xml: String) throws(PatchbayError) -> NetworkDefinition {
        throw .internalError("network documents are not implemented yet")
    }
    /// Formats the document; `inactive` gives the persistent (config) form.
    public func formatXML(inactive: Bool = false) -> String { "" }
}
