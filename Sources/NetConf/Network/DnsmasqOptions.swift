import NetCore
import NetXML

/// Extra dnsmasq command-line options from the `dnsmasq:options` namespace element.
public struct DnsmasqOptions: Hashable, Sendable {
    /// The namespace URI libvirt registers for these options; elements are matched by it, not by prefix.
    public static let namespaceURI = "http://libvirt.org/schemas/network/dnsmasq/1.0"
    /// The prefix libvirt writes.
    public static let prefix = "dnsmasq"

    /// Option values in document order (`--` is added by whoever builds the dnsmasq configuration).
    public var values: [String]

    public init(values: [String]) { self.values = values }

    /// Collects `option[@value]` of every `options` child of the root in the dnsmasq namespace; nil when none.
    static func parse(root: XMLElement) -> DnsmasqOptions? {
        var values: [String] = []
        for options in root.elements where options.namespaceURI == namespaceURI && options.localName == "options" {
            for option in options.elements where option.namespaceURI == namespaceURI && option.localName == "option" {
                if let value = option.attribute("value") { values.append(value) }
            }
        }
        return values.isEmpty ? nil : DnsmasqOptions(values: values)
    }

    /// The `<dnsmasq:options>` element.
    var xml: XMLElement {
        var element = XMLElement("\(Self.prefix):options", namespaceURI: Self.namespaceURI)
        for value in values {
            element.append(XMLElement("\(Self.prefix):option", attributes: [("value", value)], namespaceURI: Self.namespaceURI))
        }
        return element
    }
}
