import CLibXML2
import NetCore

/// Strict XML reading through libxml2: a malformed document is an error, never "repaired".
public enum XMLParser {
    /// Libraries limit: documents bigger than this are refused before parsing.
    public static let maximumDocumentSize = 32 * 1024 * 1024

    /// Parses `text` and returns its root element.
    ///
    /// - Parameter url: the name libvirt uses in its messages, e.g. `(network_definition)`.
    public static func parse(_ text: String, url: String = "(xml_document)") throws(PatchbayError) -> XMLElement {
        var bytes = Array(text.utf8)
        return try parse(bytes: &bytes, url: url)
    }

    /// Parses raw bytes (which need not be valid UTF-8: libxml2 reports where they are not).
    public static func parse(bytes: [UInt8], url: String = "(xml_document)") throws(PatchbayError) -> XMLElement {
        var copy = bytes
        return try parse(bytes: &copy, url: url)
    }

    private static func parse(bytes: inout [UInt8], url: String) throws(PatchbayError) -> XMLElement {
        guard !bytes.isEmpty else { throw PatchbayError(.xmlDetail, "\(url):1: Document is empty") }
        guard bytes.count <= maximumDocumentSize else {
            throw .xml("document of \(bytes.count) bytes exceeds the \(maximumDocumentSize) byte limit")
        }
        guard let context = xmlNewParserCtxt() else { throw .internalError("cannot allocate an XML parser") }
        defer { xmlFreeParserCtxt(context) }
        // libxml2 keeps parsing after the first fatal error and its last error is usually a
        // consequence ("Premature end of data"); the first one names the cause, as libvirt reports.
        let firstError = FirstParseError(parser: context)
        let recorder = Unmanaged.passRetained(firstError)
        xmlSetStructuredErrorFunc(recorder.toOpaque(), recordFirstError)
        defer {
            patchbay_xmlSilence()
            recorder.release()
        }
        let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue
                            | XML_PARSE_NOCDATA.rawValue)
        let count = Int32(bytes.count)
        let document = bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress.flatMap { base in
                base.withMemoryRebound(to: CChar.self, capacity: buffer.count) { chars in
                    xmlCtxtReadMemory(context, chars, count, url, "UTF-8", options)
                }
            }
        }
        guard let document, context.pointee.wellFormed != 0 else {
            if let document { xmlFreeDoc(document) }
            throw firstError.failure(url: url) ?? describeFailure(context, url: url)
        }
        defer { xmlFreeDoc(document) }
        guard let root = xmlDocGetRootElement(document) else {
            throw PatchbayError(.xmlDetail, "\(url):1: Document is empty")
        }
        if document.pointee.intSubset != nil {
            throw .xml("document type declarations are not accepted")
        }
        return try convert(root)
    }

    private static func describeFailure(_ context: xmlParserCtxtPtr, url: String) -> PatchbayError {
        guard let error = xmlCtxtGetLastError(context) else {
            return PatchbayError(.xmlDetail, "\(url): the document is not well-formed")
        }
        let raw = error.pointee.message.map { String(cString: $0) } ?? "not well-formed"
        let message = raw.hasSuffix("\n") ? String(raw.dropLast()) : raw
        return PatchbayError(.xmlDetail, "\(url):\(error.pointee.line): \(message)")
    }

    /// The first fatal error of one parse, with the line it happened on and where in that line
    /// (libxml2 calls the structured handler on the parsing thread; the handler is per thread).
    fileprivate final class FirstParseError {
        var line = 0
        var message: String?
        var context: String?
        var column = 0
        /// The parse's own context: only its input may be read for the offending line.
        let parser: xmlParserCtxtPtr

        init(parser: xmlParserCtxtPtr) { self.parser = parser }

        /// libvirt's form: `URL:LINE: MESSAGE`, then the offending line and a `----^` under the
        /// position (left out when libxml2 has no input line left, where libvirt prints "(null)").
        func failure(url: String) -> PatchbayError? {
            guard let message else { return nil }
            var text = "\(url):\(line): \(message)"
            if let context, !context.isEmpty {
                text += "\n\(context)\n\(String(repeating: "-", count: column))^"
            }
            return PatchbayError(.xmlDetail, text)
        }

        /// Keeps `error` if it is the first fatal one.
        func record(_ error: xmlError) {
            guard message == nil, error.level == XML_ERR_FATAL else { return }
            let raw = error.message.map { String(cString: $0) } ?? "not well-formed"
            message = raw.hasSuffix("\n") ? String(raw.dropLast()) : raw
            line = Int(error.line)
            guard error.ctxt == UnsafeMutableRawPointer(parser),
                  let input = parser.pointee.input, let base = input.pointee.base, let cursor = input.pointee.cur else { return }
            (context, column) = Self.window(base: base, cursor: cursor)
        }

        /// The line holding `cursor` (or, when the cursor sits on line ends, the line before
        /// them) and the cursor's column in it.
        static func window(base: UnsafePointer<xmlChar>, cursor: UnsafePointer<xmlChar>) -> (String, Int) {
            func isLineEnd(_ byte: xmlChar) -> Bool { byte == 0x0A || byte == 0x0D }
            var start = cursor
            while start > base && isLineEnd(start.pointee) { start -= 1 }
            while start > base && !isLineEnd(start.pointee) { start -= 1 }
            if isLineEnd(start.pointee) { start += 1 }
            var end = start
            while end.pointee != 0 && !isLineEnd(end.pointee) { end += 1 }
            let bytes = UnsafeBufferPointer(start: start, count: end - start)
            return (String(decoding: bytes, as: UTF8.self), max(0, cursor - start))
        }
    }

    private static func string(_ pointer: UnsafePointer<xmlChar>?) -> String? {
        pointer.map { String(cString: $0) }
    }

    /// A namespace URI as written: without entity substitution libxml2 keeps an escaped `&` in an
    /// `xmlns` value as the reference `&#38;`, which would otherwise be escaped again on every
    /// save (found by fuzzing).
    private static func namespaceURI(_ pointer: UnsafePointer<xmlChar>?) -> String? {
        string(pointer).map { $0.replacing("&#38;", with: "&") }
    }

    private static let recordFirstError: xmlStructuredErrorFunc = { user, error in
        guard let user, let error else { return }
        Unmanaged<FirstParseError>.fromOpaque(user).takeUnretainedValue().record(error.pointee)
    }

    private static func convert(_ node: xmlNodePtr) throws(PatchbayError) -> XMLElement {
        let local = string(node.pointee.name) ?? ""
        let prefix = node.pointee.ns.flatMap { string($0.pointee.prefix) }
        let name = prefix.map { "\($0):\(local)" } ?? local
        var element = XMLElement(name, namespaceURI: node.pointee.ns.flatMap { namespaceURI($0.pointee.href) },
                                 line: Int(xmlGetLineNo(node)))
        var declaration = node.pointee.nsDef
        while let ns = declaration {
            let key = string(ns.pointee.prefix).map { "xmlns:\($0)" } ?? "xmlns"
            element.attributes.append((name: key, value: namespaceURI(ns.pointee.href) ?? ""))
            declaration = ns.pointee.next
        }
        var property = node.pointee.properties
        while let attribute = property {
            let attributeLocal = string(attribute.pointee.name) ?? ""
            let attributeName = attribute.pointee.ns.flatMap { string($0.pointee.prefix) }
                .map { "\($0):\(attributeLocal)" } ?? attributeLocal
            var value = ""
            if let raw = xmlNodeListGetString(node.pointee.doc, attribute.pointee.children, 1) {
                value = String(cString: raw)
                patchbay_xmlFree(raw)
            }
            element.attributes.append((name: attributeName, value: value))
            property = attribute.pointee.next
        }
        var child = node.pointee.children
        while let current = child {
            switch current.pointee.type {
            case XML_ELEMENT_NODE:
                element.children.append(.element(try convert(current)))
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                // Text split by a dropped processing instruction is one run of text: keep it one node,
                // or the writer would print the halves on separate lines (found by fuzzing).
                if let content = string(current.pointee.content) {
                    if case .text(let previous)? = element.children.last {
                        element.children[element.children.count - 1] = .text(previous + content)
                    } else {
                        element.children.append(.text(content))
                    }
                }
            case XML_COMMENT_NODE:
                element.children.append(.comment(string(current.pointee.content) ?? ""))
            case XML_ENTITY_REF_NODE:
                throw .xml("entity reference '&\(string(current.pointee.name) ?? "");' in <\(name)> is not accepted")
            default:
                break
            }
            child = current.pointee.next
        }
        return element
    }
}
