import NetCore
import NetXML

/// `<filterref filter=...>` with its `<parameter name= value=/>` list: the nwfilter applied to the NIC.
public struct InterfaceFilterRef: Hashable, Sendable {
    /// One filter parameter.
    public struct Parameter: Hashable, Sendable {
        /// Variable name.
        public let name: String
        /// Value.
        public let value: String
    }

    /// Filter name.
    public let filter: String
    /// Parameters by name, each name's values in document order.
    public let parameters: [Parameter]

    /// Parses `<filterref>`; nil when it names no filter, which libvirt ignores.
    public init?(xml element: XMLElement) throws(PatchbayError) {
        guard let filter = element.attribute("filter") else { return nil }
        self.filter = filter
        var parameters: [Parameter] = []
        // A parameter whose name or value is missing or not made of nwfilter's characters is skipped,
        // as libvirt skips it (names: letters, digits, '_'; values: those and '.', ':').
        func made(of text: String, extra: String) -> Bool {
            !text.isEmpty && text.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" || extra.unicodeScalars.contains($0)) }
        }
        for parameter in element.elements("parameter") {
            guard let name = parameter.attribute("name"), let value = parameter.attribute("value"),
                  made(of: name, extra: ""), made(of: value, extra: ".:") else { continue }
            parameters.append(Parameter(name: name, value: value))
        }
        // libvirt keeps them in a table and prints them by name (values of one name in their order).
        self.parameters = parameters.enumerated().sorted { ($0.element.name.utf8.lexicographicallyPrecedes($1.element.name.utf8)) || ($0.element.name == $1.element.name && $0.offset < $1.offset) }.map(\.element)
    }

    /// The `<filterref>` element.
    public var xml: XMLElement {
        var element = XMLElement("filterref", attributes: [("filter", filter)])
        for parameter in parameters {
            element.append(XMLElement("parameter", attributes: [("name", parameter.name), ("value", parameter.value)]))
        }
        return element
    }
}
