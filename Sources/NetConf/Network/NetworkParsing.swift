import NetCore
import NetXML

/// Small parsing helpers that reproduce how libvirt's network code reads values.
extension XMLElement {
    /// The attribute as libvirt's XPath `string(...)` lookups see it: an empty value counts as absent.
    func nonEmptyAttribute(_ name: String) -> String? {
        guard let value = attribute(name), !value.isEmpty else { return nil }
        return value
    }

    /// The first child element with `name` in no namespace, as libvirt's `./name[1]` XPath selects it.
    func first(_ name: String) -> XMLElement? { element(name) }

    /// Concatenated text of the element and all its descendants in document order, comments
    /// excluded: XPath `string(.)`, which libvirt's network and port readers use, so text nested in
    /// child elements counts. The recursion is bounded: libxml2 refuses documents nested deeper
    /// than 256 levels.
    var deepText: String {
        children.reduce(into: "") { out, node in
            switch node {
            case .text(let text): out += text
            case .element(let child): out += child.deepText
            case .comment: break
            }
        }
    }
}

/// libvirt's `virSocketAddrParse` as the network code calls it (numeric addresses only).
func parseSocketAddress(_ text: String) throws(PatchbayError) -> IPAddress {
    do {
        return try IPAddress(text)
    } catch {
        throw PatchbayError(.systemError, "Cannot parse socket address '\(text)': Name or service not known")
    }
}

/// Parses an address, reporting libvirt's message for that spot instead of the generic one.
func parseAddress(_ text: String, _ failure: @autoclosure () -> PatchbayError) throws(PatchbayError) -> IPAddress {
    do {
        return try IPAddress(text)
    } catch {
        throw failure()
    }
}

/// libvirt's `virTristateBoolTypeFromString` read of an attribute, with a caller-specific message.
func tristate(_ element: XMLElement?, _ attribute: String, _ failure: (String) -> PatchbayError) throws(PatchbayError) -> Bool? {
    guard let text = element?.nonEmptyAttribute(attribute) else { return nil }
    switch text {
    case "yes": return true
    case "no": return false
    default: throw failure(text)
    }
}
