import NetCore
import NetXML

/// What an `<interface>` connects to: the type-specific content of its `<source>`.
public enum InterfaceSource: Hashable, Sendable {
    /// user: optionally the host device passt binds to.
    case user(dev: String?)
    /// ethernet: host-side addresses and routes of the tap.
    case ethernet(ips: [InterfaceIP], routes: [InterfaceRoute])
    /// vhostuser: a UNIX socket and which end listens.
    case vhostUser(path: String?, mode: SocketMode, reconnect: Reconnect?)
    /// server/client/mcast/udp: a socket address and, for udp, the local end.
    case socket(address: String?, port: UInt16, local: LocalEnd?)
    /// network: the network, portgroup and (live only) port id.
    case network(name: String, portgroup: String?, portID: LibvirtUUID?)
    /// bridge: the host bridge.
    case bridge(String)
    /// internal: the VirtualBox network name.
    case `internal`(String)
    /// direct: the host device and macvtap mode.
    case direct(dev: String, mode: DirectMode)
    /// hostdev: the host device.
    case hostdev(HostdevSource)
    /// vdpa: the vhost-vdpa character device.
    case vdpa(dev: String)
    /// null: nothing.
    case null
    /// vds: the VMware switch and port.
    case vds(switchID: LibvirtUUID, portID: Int64?, portgroupID: String?, connectionID: Int64?)

    /// Which end of a vhost-user socket QEMU is.
    public enum SocketMode: String, Sendable, CaseIterable {
        /// QEMU listens.
        case server
        /// QEMU connects.
        case client
    }

    /// macvtap modes.
    public enum DirectMode: String, Sendable, CaseIterable {
        /// Traffic hairpins through the external switch.
        case vepa
        /// No guest-to-guest traffic.
        case `private`
        /// Guests on the device talk directly.
        case bridge
        /// The whole device belongs to the guest.
        case passthrough
    }

    /// `<reconnect enabled= timeout=/>` of a client-mode vhost-user socket.
    public struct Reconnect: Hashable, Sendable {
        /// Whether QEMU reconnects.
        public let enabled: Bool
        /// Seconds between attempts.
        public let timeout: UInt32?
    }

    /// `<local address= port=/>` of a udp interface.
    public struct LocalEnd: Hashable, Sendable {
        /// Local address.
        public let address: String
        /// Local port.
        public let port: UInt16
    }

    private static func missing(_ attribute: String, _ type: InterfaceType) -> PatchbayError {
        PatchbayError(.xmlError, "No <source> '\(attribute)' attribute specified with <interface type='\(type.rawValue)'/>", domain: .domain)
    }

    /// Parses the `<source>` (possibly absent) of an interface of `type`.
    /// - Parameter keepLiveState: whether runtime-only data (a network port id) is kept.
    public init(type: InterfaceType, source: XMLElement?, keepLiveState: Bool) throws(PatchbayError) {
        switch type {
        case .user:
            self = .user(dev: source?.attribute("dev"))
        case .ethernet:
            self = .ethernet(ips: try (source?.elements("ip") ?? []).map { e throws(PatchbayError) in try InterfaceIP(xml: e) },
                             routes: try (source?.elements("route") ?? []).map { e throws(PatchbayError) in try InterfaceRoute(xml: e) })
        case .vhostuser:
            // Only UNIX sockets exist; path and mode may be left out (QEMU then connects as a client).
            if let socketType = source?.attribute("type"), socketType != "unix" {
                throw PatchbayError(.configUnsupported, "Type='\(socketType)' unsupported for <interface type='vhostuser'>", domain: .domain)
            }
            let mode = try source?.enumeration("mode", SocketMode.self) ?? .client
            var reconnect: Reconnect?
            if let element = try source?.single("reconnect") {
                guard let enabled = try element.yesNo("enabled") else {
                    throw PatchbayError(.xmlError, "missing 'enabled' attribute in <reconnect> element", domain: .domain)
                }
                let timeout = try element.unsigned("timeout").map { UInt32($0) }
                if enabled && timeout == nil {
                    throw PatchbayError(.xmlError, "missing timeout for enabled reconnect", domain: .domain)
                }
                reconnect = Reconnect(enabled: enabled, timeout: enabled ? timeout : nil)
            }
            self = .vhostUser(path: source?.attribute("path"), mode: mode, reconnect: reconnect)
        case .server, .client, .mcast, .udp:
            let address = source?.attribute("address")
            if type != .server && address == nil {
                throw PatchbayError(.xmlError, "No <source> 'address' attribute specified with socket interface", domain: .domain)
            }
            guard let port = try source?.unsigned("port", maximum: 65535) else {
                throw PatchbayError(.xmlError, "No <source> 'port' attribute specified with socket interface", domain: .domain)
            }
            var local: LocalEnd?
            if type == .udp {
                guard let element = try source?.single("local"), let localAddress = element.attribute("address") else {
                    throw PatchbayError(.xmlError, "No <local> 'address' attribute specified with socket interface", domain: .domain)
                }
                guard let localPort = try element.unsigned("port", maximum: 65535) else {
                    throw PatchbayError(.xmlError, "No <local> 'port' attribute specified with socket interface", domain: .domain)
                }
                local = LocalEnd(address: localAddress, port: UInt16(localPort))
            }
            self = .socket(address: address, port: UInt16(port), local: local)
        case .network:
            guard let name = source?.attribute("network") else { throw Self.missing("network", type) }
            var portID: LibvirtUUID?
            if keepLiveState, let text = source?.attribute("portid") {
                do { portID = try LibvirtUUID(text) } catch {
                    throw PatchbayError(.internalError, "Unable to parse port id '\(text)'", domain: .domain)
                }
            }
            self = .network(name: name, portgroup: source?.attribute("portgroup"), portID: portID)
        case .bridge:
            guard let name = source?.attribute("bridge") else { throw Self.missing("bridge", type) }
            self = .bridge(name)
        case .internal:
            guard let name = source?.attribute("name") else { throw Self.missing("name", type) }
            self = .internal(name)
        case .direct:
            guard let dev = source?.attribute("dev") else { throw Self.missing("dev", type) }
            let mode = try source?.enumeration("mode", DirectMode.self) ?? .vepa
            self = .direct(dev: dev, mode: mode)
        case .hostdev:
            // The address type says which bus; a vendor id alone implies USB.
            let typeText = source?.element("address")?.attribute("type") ?? (source?.element("vendor") != nil ? "usb" : nil)
            guard let typeText, let kind = HostdevSource.Kind(rawValue: typeText) else {
                throw PatchbayError(.configUnsupported, "unknown host device source address type '\(typeText ?? "(null)")'", domain: .domain)
            }
            self = .hostdev(try HostdevSource(kind: kind, source: source))
        case .vdpa:
            guard let dev = source?.attribute("dev") else { throw Self.missing("dev", type) }
            self = .vdpa(dev: dev)
        case .null:
            self = .null
        case .vds:
            guard let text = source?.attribute("switchid") else { throw Self.missing("switchid", type) }
            let switchID: LibvirtUUID
            do { switchID = try LibvirtUUID(text) } catch {
                throw PatchbayError(.xmlError, "Unable to parse switchid '\(text)'", domain: .domain)
            }
            self = .vds(switchID: switchID, portID: try source?.signed("portid"), portgroupID: source?.attribute("portgroupid"),
                        connectionID: try source?.signed("connectionid"))
        }
    }

    /// The `<source>` element libvirt prints, or nil when it would be empty.
    public func xml(includeLiveState: Bool) -> XMLElement? {
        var source = XMLElement("source")
        switch self {
        case .user(let dev):
            source.set("dev", dev)
        case .ethernet(let ips, let routes):
            source.append(contentsOf: ips.map(\.xml))
            source.append(contentsOf: routes.map(\.xml))
        case .vhostUser(let path, let mode, let reconnect):
            source.set("type", "unix")
            source.set("path", path)
            source.set("mode", mode.rawValue)
            if let reconnect {
                var element = XMLElement("reconnect", attributes: [("enabled", reconnect.enabled ? "yes" : "no")])
                if reconnect.enabled { element.set("timeout", reconnect.timeout.map { String($0) }) }
                source.append(element)
            }
        case .socket(let address, let port, let local):
            source.set("address", address)
            source.set("port", String(port))
            if let local {
                source.append(XMLElement("local", attributes: [("address", local.address), ("port", String(local.port))]))
            }
        case .network(let name, let portgroup, let portID):
            source.set("network", name)
            source.set("portgroup", portgroup)
            if includeLiveState { source.set("portid", portID?.description) }
        case .bridge(let name):
            source.set("bridge", name)
        case .internal(let name):
            source.set("name", name)
        case .direct(let dev, let mode):
            source.set("dev", dev)
            source.set("mode", mode.rawValue)
        case .hostdev(let device):
            return device.xml(typedAddress: true)
        case .vdpa(let dev):
            source.set("dev", dev)
        case .null:
            break
        case .vds(let switchID, let portID, let portgroupID, let connectionID):
            source.set("switchid", switchID.description)
            source.set("portid", portID.map { String($0) })
            source.set("portgroupid", portgroupID)
            source.set("connectionid", connectionID.map { String($0) })
        }
        return source.attributes.isEmpty && source.elements.isEmpty ? nil : source
    }
}
