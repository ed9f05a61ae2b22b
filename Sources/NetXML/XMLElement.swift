import NetCore

/// One node of a parsed or to-be-written document.
public enum XMLNode: Hashable, Sendable {
    /// A child element.
    case element(XMLElement)
    /// Character data (entities already resolved).
    case text(String)
    /// A comment, kept so verbatim sections (metadata) survive a round trip.
    case comment(String)
}

/// An element: qualified name, attributes in document order, children.
///
/// This is Patchbay's own small tree, so NetConf never sees libxml2 and the writer can
/// reproduce libvirt's formatting exactly.
public struct XMLElement: Hashable, Sendable {
    /// Qualified name as written (`prefix:local` for namespaced elements).
    public var name: String
    /// Namespace URI the element belongs to, if any.
    public var namespaceURI: String?
    /// Attributes in order; namespace declarations appear as `xmlns`/`xmlns:p` attributes.
    public var attributes: [(name: String, value: String)]
    /// Children in document order.
    public var children: [XMLNode]
    /// Write `<x ...>` and `</x>` on separate lines even when empty, as libvirt does for `<ip>`.
    public var keepsOpenWhenEmpty: Bool
    /// Line where the element started in its source document (0 when built in code).
    public var line: Int

    public init(_ name: String, attributes: [(String, String)] = [], children: [XMLNode] = [],
                namespaceURI: String? = nil, keepsOpenWhenEmpty: Bool = false, line: Int = 0) {
        self.name = name
        self.attributes = attributes.map { (name: $0.0, value: $0.1) }
        self.children = children
        self.namespaceURI = namespaceURI
        self.keepsOpenWhenEmpty = keepsOpenWhenEmpty
        self.line = line
    }

    /// Local part of the name (after any prefix).
    public var localName: String {
        guard let colon = name.lastIndex(of: ":") else { return name }
        return String(name[name.index(after: colon)...])
    }

    /// Value of the attribute called `name`, if present.
    public func attribute(_ name: String) -> String? {
        attributes.first { $0.name == name }?.value
    }

    /// Child elements in order.
    public var elements: [XMLElement] {
        children.compactMap { if case .element(let e) = $0 { e } else { nil } }
    }

    /// Child elements with local name `name` in no namespace.
    public func elements(_ name: String) -> [XMLElement] {
        elements.filter { $0.name == name && $0.namespaceURI == nil }
    }

    /// The first child element called `name` (no namespace).
    public func element(_ name: String) -> XMLElement? {
        for case .element(let e) in children where e.name == name && e.namespaceURI == nil { return e }
        return nil
    }

    /// Concatenated character data of the direct children.
    public var text: String {
        children.reduce(into: "") { out, node in if case .text(let t) = node { out += t } }
    }

    /// True when the element has neither child elements nor non-blank text.
    public var isEmpty: Bool { children.allSatisfy { if case .text(let t) = $0 { t.allSatisfy(\.isWhitespace) } else { false } } }

    /// Appends an attribute when `value` is non-nil.
    public mutating func set(_ name: String, _ value: String?) {
        guard let value else { return }
        attributes.append((name: name, value: value))
    }

    /// Appends a child element.
    public mutating func append(_ element: XMLElement) { children.append(.element(element)) }

    /// Appends a child element when present.
    public mutating func append(_ element: XMLElement?) {
        if let element { children.append(.element(element)) }
    }

    /// Appends several child elements.
    public mutating func append(contentsOf elements: [XMLElement]) {
        children.append(contentsOf: elements.map { .element($0) })
    }

    /// Appends a text-only child `<name>text</name>`.
    public mutating func appendText(_ name: String, _ text: String?) {
        guard let text else { return }
        append(XMLElement(name, children: [.text(text)]))
    }

    /// Equality ignores source line numbers and formatting hints.
    public static func == (lhs: XMLElement, rhs: XMLElement) -> Bool {
        lhs.name == rhs.name && lhs.namespaceURI == rhs.namespaceURI
            && lhs.attributes.map(\.name) == rhs.attributes.map(\.name)
            && lhs.attributes.map(\.value) == rhs.attributes.map(\.value)
            && lhs.children == rhs.children
    }

    /// Hash over name, attributes and children.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(name)
        hasher.combine(namespaceURI)
        for attribute in attributes {
            hasher.combine(attribute.name)
            hasher.combine(attribute.value)
        }
        hasher.combine(children)
    }
}
