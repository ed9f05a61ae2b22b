import NetCore
import NetXML

/// The device of a `<hostdev mode='capabilities'>` (containers only): a host block device, a host
/// character device, or a host NIC moved into the container with its addresses and routes.
public enum HostdevCapability: Hashable, Sendable {
    /// `type='storage'`: `<source><block>PATH</block></source>`.
    case storage(block: String)
    /// `type='misc'`: `<source><char>PATH</char></source>`.
    case misc(char: String)
    /// `type='net'`: `<source><interface>NAME</interface></source>` plus `<ip>` and `<route>`.
    case net(interface: String, ips: [InterfaceIP], routes: [InterfaceRoute])

    /// Parses the capability of `type` from the `<hostdev>` element.
    public init(type: String?, element: XMLElement) throws(PatchbayError) {
        let source = element.element("source")
        switch type {
        case "storage":
            guard let block = source?.element("block")?.text else {
                throw PatchbayError(.xmlError, "Missing <block> element in hostdev storage device", domain: .domain)
            }
            self = .storage(block: block)
        case "misc":
            guard let char = source?.element("char")?.text else {
                throw PatchbayError(.xmlError, "Missing <char> element in hostdev character device", domain: .domain)
            }
            self = .misc(char: char)
        case "net":
            guard let interface = source?.element("interface")?.text else {
                throw PatchbayError(.xmlError, "Missing <interface> element in hostdev net device", domain: .domain)
            }
            self = .net(interface: interface,
                        ips: try element.elements("ip").map { e throws(PatchbayError) in try InterfaceIP(xml: e) },
                        routes: try element.elements("route").map { e throws(PatchbayError) in try InterfaceRoute(xml: e, side: .hostdev) })
        case nil:
            throw PatchbayError(.xmlError, "missing source address type", domain: .domain)
        case let type?:
            throw PatchbayError(.configUnsupported, "unknown host device source address type '\(type)'", domain: .domain)
        }
    }

    /// The `type=` name.
    public var typeName: String {
        switch self {
        case .storage: "storage"
        case .misc: "misc"
        case .net: "net"
        }
    }

    /// The child elements libvirt prints: the source, then (net) addresses and routes.
    public var elements: [XMLElement] {
        switch self {
        case .storage(let block):
            [XMLElement("source", children: [.element(XMLElement("block", children: [.text(block)]))])]
        case .misc(let char):
            [XMLElement("source", children: [.element(XMLElement("char", children: [.text(char)]))])]
        case .net(let interface, let ips, let routes):
            [XMLElement("source", children: [.element(XMLElement("interface", children: [.text(interface)]))])]
                + ips.map(\.xml) + routes.map(\.xml)
        }
    }
}
