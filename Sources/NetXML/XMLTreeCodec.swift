import NetCore

/// A compact binary form of an `XMLElement` tree, for caches Patchbay writes and reads back
/// itself (the restart snapshot): reading it needs neither libxml2 nor text scanning.
///
/// Layout: an element is its name, namespace (absent or a string), the keeps-open flag, the
/// attributes (count, then name/value pairs) and the children (count, then per child a kind
/// byte: 0 element, 1 text, 2 comment, and its payload). Strings and counts are little-endian
/// 32-bit lengths followed by UTF-8 bytes. Decoding checks every length against the bytes left,
/// so a damaged cache is an error, never a crash.
public enum XMLTreeCodec {
    /// Deepest nesting accepted when decoding (libxml2's own default limit).
    public static let maximumDepth = 256

    /// Appends the encoding of `element` to `bytes`.
    public static func encode(_ element: XMLElement, into bytes: inout [UInt8]) {
        appendString(element.name, to: &bytes)
        if let namespace = element.namespaceURI {
            bytes.append(1)
            appendString(namespace, to: &bytes)
        } else {
            bytes.append(0)
        }
        bytes.append(element.keepsOpenWhenEmpty ? 1 : 0)
        appendCount(element.attributes.count, to: &bytes)
        for attribute in element.attributes {
            appendString(attribute.name, to: &bytes)
            appendString(attribute.value, to: &bytes)
        }
        appendCount(element.children.count, to: &bytes)
        for child in element.children {
            switch child {
            case .element(let nested):
                bytes.append(0)
                encode(nested, into: &bytes)
            case .text(let text):
                bytes.append(1)
                appendString(text, to: &bytes)
            case .comment(let text):
                bytes.append(2)
                appendString(text, to: &bytes)
            }
        }
    }

    /// Decodes one element starting at `offset`, which moves past it.
    public static func decode(_ bytes: [UInt8], at offset: inout Int) throws(PatchbayError) -> XMLElement {
        try bytes.withUnsafeBufferPointer { buffer throws(PatchbayError) in
            var reader = Reader(buffer: buffer, offset: offset)
            let element = try reader.element(depth: 0)
            offset = reader.offset
            return element
        }
    }

    /// Appends a little-endian 32-bit count.
    public static func appendCount(_ count: Int, to bytes: inout [UInt8]) {
        let value = UInt32(truncatingIfNeeded: count)
        for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
    }

    /// Appends a length-prefixed UTF-8 string.
    public static func appendString(_ string: String, to bytes: inout [UInt8]) {
        appendCount(string.utf8.count, to: &bytes)
        bytes.append(contentsOf: string.utf8)
    }

    /// Reads counts and strings from a buffer, refusing anything past its end.
    public struct Reader {
        let buffer: UnsafeBufferPointer<UInt8>
        /// Position of the next byte to read.
        public private(set) var offset: Int

        /// A reader over `buffer` starting at `offset`.
        public init(buffer: UnsafeBufferPointer<UInt8>, offset: Int) {
            self.buffer = buffer
            self.offset = offset
        }

        /// The next byte.
        public mutating func byte() throws(PatchbayError) -> UInt8 {
            guard offset < buffer.count else { throw truncated }
            defer { offset += 1 }
            return buffer[offset]
        }

        /// The next little-endian 32-bit count, checked to fit in what is left (each counted
        /// item takes at least one byte).
        public mutating func count() throws(PatchbayError) -> Int {
            guard buffer.count - offset >= 4 else { throw truncated }
            var value = 0
            for index in 0..<4 { value |= Int(buffer[offset + index]) << (index * 8) }
            offset += 4
            guard value <= buffer.count - offset else { throw truncated }
            return value
        }

        /// The next length-prefixed string.
        public mutating func string() throws(PatchbayError) -> String {
            let length = try count()
            defer { offset += length }
            return String(decoding: UnsafeBufferPointer(rebasing: buffer[offset..<offset + length]), as: UTF8.self)
        }

        /// `length` raw bytes.
        public mutating func bytes(_ length: Int) throws(PatchbayError) -> ArraySlice<UInt8> {
            guard length >= 0, length <= buffer.count - offset else { throw truncated }
            defer { offset += length }
            return ArraySlice(buffer[offset..<offset + length])
        }

        mutating func element(depth: Int) throws(PatchbayError) -> XMLElement {
            guard depth < XMLTreeCodec.maximumDepth else { throw .internalError("cached XML tree nests deeper than \(XMLTreeCodec.maximumDepth) levels") }
            let name = try string()
            let namespace = try byte() == 0 ? nil : try string()
            let keepsOpen = try byte() != 0
            let attributeCount = try count()
            var attributes: [(String, String)] = []
            attributes.reserveCapacity(attributeCount)
            for _ in 0..<attributeCount { attributes.append((try string(), try string())) }
            let childCount = try count()
            var children: [XMLNode] = []
            children.reserveCapacity(childCount)
            for _ in 0..<childCount {
                switch try byte() {
                case 0: children.append(.element(try element(depth: depth + 1)))
                case 1: children.append(.text(try string()))
                case 2: children.append(.comment(try string()))
                case let kind: throw .internalError("cached XML tree has an unknown node kind \(kind)")
                }
            }
            return XMLElement(name, attributes: attributes, children: children, namespaceURI: namespace, keepsOpenWhenEmpty: keepsOpen)
        }

        private var truncated: PatchbayError { .internalError("cached XML tree is truncated at byte \(offset)") }
    }
}
