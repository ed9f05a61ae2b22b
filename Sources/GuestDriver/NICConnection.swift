import NetConf
import NetCore
import NetXML

/// What a guest NIC is connected to, as its `<interface>` says: nothing (unplugged), a port on a
/// Patchbay network of any forward mode, a host bridge, or a host device (direct).
public enum NICConnection: Sendable, Hashable {
    /// `type='null'` (the seed's `type='none'`): the tap exists, attached to nothing, no port.
    case unplugged
    /// `type='network'`: a port on the named network (portgroup when given).
    case network(name: String, portgroup: String?)
    /// `type='bridge'`: a port of an existing host bridge.
    case bridge(String)
    /// `type='direct'`: a macvlan on a host device in the given mode.
    case direct(dev: String, mode: InterfaceSource.DirectMode)

    /// The connection an `<interface>` asks for; types Patchbay cannot re-wire live are refused.
    public init(_ interface: DomainInterface) throws(PatchbayError) {
        switch interface.source {
        case .null: self = .unplugged
        case .network(let name, let portgroup, _): self = .network(name: name, portgroup: portgroup)
        case .bridge(let bridge): self = .bridge(bridge)
        case .direct(let dev, let mode): self = .direct(dev: dev, mode: mode)
        default:
            throw PatchbayError(.operationUnsupported,
                                "unable to change config on '\(interface.type.rawValue)' network type", domain: .domain)
        }
    }

    /// Whether the NIC holds something on the host.
    public var isPlugged: Bool { self != .unplugged }

    /// The network holding the NIC's port, if it is on one.
    public var networkName: String? {
        if case .network(let name, _) = self { return name }
        return nil
    }

    /// `interface` with its type and source set to this connection (port id on networks).
    public func applied(to interface: DomainInterface, portID: LibvirtUUID?) -> DomainInterface {
        var result = interface
        switch self {
        case .unplugged:
            result.type = .null
            result.source = .null
        case .network(let name, let portgroup):
            result.type = .network
            result.source = .network(name: name, portgroup: portgroup, portID: portID)
        case .bridge(let bridge):
            result.type = .bridge
            result.source = .bridge(bridge)
        case .direct(let dev, let mode):
            result.type = .direct
            result.source = .direct(dev: dev, mode: mode)
        }
        return result
    }

    /// The ledger element.
    var xml: XMLElement {
        var element = XMLElement("connection")
        switch self {
        case .unplugged: element.set("type", "null")
        case .network(let name, let portgroup):
            element.set("type", "network")
            element.set("network", name)
            element.set("portgroup", portgroup)
        case .bridge(let bridge):
            element.set("type", "bridge")
            element.set("bridge", bridge)
        case .direct(let dev, let mode):
            element.set("type", "direct")
            element.set("dev", dev)
            element.set("mode", mode.rawValue)
        }
        return element
    }

    /// Reads the ledger element back.
    init(ledger element: XMLElement) throws(PatchbayError) {
        switch element.attribute("type") {
        case "null": self = .unplugged
        case "network":
            guard let name = element.attribute("network") else { throw .internalError("NIC ledger: network connection without a name") }
            self = .network(name: name, portgroup: element.attribute("portgroup"))
        case "bridge":
            guard let bridge = element.attribute("bridge") else { throw .internalError("NIC ledger: bridge connection without a bridge") }
            self = .bridge(bridge)
        case "direct":
            guard let dev = element.attribute("dev"), let mode = element.attribute("mode").flatMap(InterfaceSource.DirectMode.init) else {
                throw .internalError("NIC ledger: malformed direct connection")
            }
            self = .direct(dev: dev, mode: mode)
        default:
            throw .internalError("NIC ledger: unknown connection type")
        }
    }
}

extension InterfaceSource.DirectMode {
    /// The port plug's direct mode of the same name.
    var plugMode: NetworkPortPlug.DirectMode {
        switch self {
        case .vepa: .vepa
        case .private: .private
        case .bridge: .bridge
        case .passthrough: .passthrough
        }
    }
}
