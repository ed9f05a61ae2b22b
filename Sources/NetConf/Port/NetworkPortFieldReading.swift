import NetCore
import NetXML

// How libvirt reads the text fields of a port document (XPath `string(...)` lookups), shared by
// the definition and its owner.

extension XMLElement {
    /// The XPath string value: all descendant character data in document order (comments excluded).
    ///
    /// libvirt reads port fields with `string(./x)`, which includes text nested in child elements.
    /// The recursion is bounded: libxml2 refuses documents nested deeper than 256 levels.
    var portFieldText: String {
        children.reduce(into: "") { out, node in
            switch node {
            case .text(let text): out += text
            case .element(let child): out += child.portFieldText
            case .comment: break
            }
        }
    }
}

extension LibvirtUUID {
    /// Parses a UUID read from a port document, with libvirt's port wording on failure.
    ///
    /// libvirt skips ASCII white space around the digits (a pretty-printed `<uuid>` is valid), so it is
    /// trimmed here before the stricter NetCore parser sees it.
    init(portText text: String) throws(PatchbayError) {
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (0x09...0x0D).contains(byte) }
        let bytes = text.utf8
        let start = bytes.firstIndex { !isSpace($0) } ?? bytes.endIndex
        let end = bytes.lastIndex { !isSpace($0) }.map { bytes.index(after: $0) } ?? start
        let trimmed = start == bytes.startIndex && end == bytes.endIndex ? text : String(Substring(text.utf8[start..<end]))
        do {
            try self.init(trimmed)
        } catch {
            throw .internalError("Unable to parse UUID '\(text)'")
        }
    }
}
