import NetCore
import NetXML

// PLACEHOLDER: replaced by the network-port work.
/// A libvirt network port (`<networkport>`).
public struct NetworkPortDefinition: Sendable {
    /// Parses a `<networkport>` document.
    public static func parse(xml: String) throws(PatchbayError) -> NetworkPortDefinition {
        throw .internalError("network port documents are not implemented yet")
    }
    /// Formats the document.
    public func formatXML() -> String { "" }
}
