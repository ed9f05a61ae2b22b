import NetCore
import NetXML

// How libvirt reads the text fields of a port document: `string(./x)` lookups (`deepText`, which
// includes text nested in child elements), and its UUID.

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
