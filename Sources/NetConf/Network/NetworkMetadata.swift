import NetCore
import NetXML

/// Applications' private data (`<metadata>`), kept as an XML subtree.
///
/// libvirt keeps only namespaced children, one per namespace, and makes each carry its own
/// namespace declaration so it can be written out on its own; Patchbay does the same.
public struct NetworkMetadata: Hashable, Sendable {
    /// The `<metadata>` element with its children.
    public var element: XMLElement

    /// Wraps and sanitises a `<metadata>` element.
    public init(_ element: XMLElement) {
        var seen: Set<String> = []
        var kept: [XMLNode] = []
        let inherited = Self.declarations(of: element)
        for child in element.elements {
            guard let uri = child.namespaceURI, !seen.contains(uri) else { continue }
            seen.insert(uri)
            kept.append(.element(Self.declaringPrefixes(child, inScope: [:], inherited: inherited)))
        }
        self.element = XMLElement("metadata", children: kept)
    }

    private static func declarations(of element: XMLElement) -> [String: String] {
        var result: [String: String] = [:]
        for attribute in element.attributes where attribute.name == "xmlns" || attribute.name.hasPrefix("xmlns:") {
            result[attribute.name] = attribute.value
        }
        return result
    }

    /// Adds namespace declarations an element relies on but inherited from an ancestor that is not kept.
    private static func declaringPrefixes(_ element: XMLElement, inScope: [String: String],
                                          inherited: [String: String]) -> XMLElement {
        var copy = element
        var scope = inScope.merging(declarations(of: element)) { _, new in new }
        let prefix = element.name.contains(":") ? String(element.name.prefix { $0 != ":" }) : nil
        let key = prefix.map { "xmlns:\($0)" } ?? "xmlns"
        if let uri = element.namespaceURI, scope[key] == nil {
            copy.attributes.insert((name: key, value: inherited[key] ?? uri), at: 0)
            scope[key] = uri
        }
        copy.children = element.children.map { node in
            if case .element(let child) = node {
                return .element(declaringPrefixes(child, inScope: scope, inherited: inherited))
            }
            return node
        }
        return copy
    }
}
