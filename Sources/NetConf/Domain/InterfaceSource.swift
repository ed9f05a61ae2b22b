import NetCore
import NetXML

/// What an `<interface>` connects to: the type-specific content of its `<source>`.
public enum InterfaceSource: Hashable, Sendable {
    /// user: optionally the host device passt binds to.
    case user(dev: String?)
    /// ethernet: host-side addresses and routes of the tap.
    case ethernet(ips: [InterfaceIP], routes: [InterfaceRoute])
    /// vhostuser: a UNIX socket and which end listens.
    case vhostUser(path: String, mode: SocketMode, reconnect: Reconnect?)
    /// server/client/mcast/udp: a socket address and, for udp, the local end.
    case socket(address: String?, port: Int32, local: LocalEnd?)
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
    case vds(switchID: LibvirtUUID, portID: Int64, portgroupID: String, connectionID: Int64)

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
        public let port: Int32
    }

    /// Parses the `<source>` (possibly absent) of an interface of `type`.
    /// - Parameter keepLiveState: whether runtime-only data (a network port id) is kept.
    public init(type: InterfaceType, source: XMLElement?, keepLiveState: Bool) throws(PatchbayError) {
        // Every type but these names what it connects to in <source>.
        if source == nil && ![.user, .ethernet, .null, .hostdev].contains(type) {
            throw PatchbayError(.xmlError, "interface type='\(type.rawValue)' requires a 'source' element", domain: .domain)
        }
        switch type {
        case .user:
            self = .user(dev: source?.attribute("dev"))
        case .ethernet:
            self = .ethernet(ips: try (source?.elements("ip") ?? []).map { e throws(PatchbayError) in try InterfaceIP(xml: e) },
                             routes: try (source?.elements("route") ?? []).map { e throws(PatchbayError) in try InterfaceRoute(xml: e, side: .host) })
        case .vhostuser:
            guard let source else { throw PatchbayError(.xmlError, "interface type='vhostuser' requires a 'source' element", domain: .domain) }
            // Only UNIX sockets exist.
            let socketType = try source.domainRequired("type")
            if socketType != "unix" {
                throw PatchbayError(.configUnsupported, "Type='\(socketType)' unsupported for <interface type='vhostuser'>", domain: .domain)
            }
            let path = try source.domainRequired("path")
            let modeText = try source.domainRequired("mode")
            guard let mode = SocketMode(rawValue: modeText) else { throw source.invalidValue("mode", modeText) }
            var reconnect: Reconnect?
            // A <reconnect> that does not say whether it is enabled says nothing.
            if let element = source.element("reconnect"), let enabled = try element.domainYesNo("enabled") {
                var timeout: UInt32?
                if enabled {
                    guard let value = try element.domainUnsigned("timeout") else {
                        throw PatchbayError(.xmlError, "Missing required attribute 'timeout' in element 'reconnect'", domain: .domain)
                    }
                    timeout = value
                }
                // Reconnecting is what a client does; a listening QEMU has nothing to reconnect to.
                if mode == .server {
                    throw PatchbayError(.configUnsupported, "'reconnect' attribute unsupported 'server' mode for <interface type='vhostuser'>", domain: .domain)
                }
                reconnect = Reconnect(enabled: enabled, timeout: timeout)
            }
            self = .vhostUser(path: path, mode: mode, reconnect: reconnect)
        case .server, .client, .mcast, .udp:
            guard let source else { throw PatchbayError(.xmlError, "interface type='\(type.rawValue)' requires a 'source' element", domain: .domain) }
            let address = type == .server ? source.attribute("address") : try source.domainRequired("address")
            let port = try Self.socketPort(source)
            var local: LocalEnd?
            if type == .udp {
                guard let element = source.element("local") else {
                    throw PatchbayError(.xmlError, "'<local>' element missing for 'udp' socket interface", domain: .domain)
                }
                local = LocalEnd(address: try element.domainRequired("address"), port: try Self.socketPort(element))
            }
            self = .socket(address: address, port: port, local: local)
        case .network:
            guard let source else { throw PatchbayError(.xmlError, "interface type='network' requires a 'source' element", domain: .domain) }
            let name = try source.domainRequired("network")
            var portID: LibvirtUUID?
            if keepLiveState, let text = source.attribute("portid") {
                do { portID = try LibvirtUUID(text) } catch {
                    throw PatchbayError(.internalError, "Unable to parse port id '\(text)'", domain: .domain)
                }
            }
            self = .network(name: name, portgroup: source.attribute("portgroup"), portID: portID)
        case .bridge:
            self = .bridge(try Self.required(source, "bridge", type))
        case .internal:
            self = .internal(try Self.required(source, "name", type))
        case .direct:
            let dev = try Self.required(source, "dev", type)
            let mode = try source?.domainEnum("mode", DirectMode.self) ?? .vepa
            self = .direct(dev: dev, mode: mode)
        case .hostdev:
            // The address type says which bus; a vendor id alone implies USB.
            let typeText = source?.element("address")?.attribute("type").flatMap { $0.isEmpty ? nil : $0 }
                ?? (source?.element("vendor") != nil ? "usb" : nil)
            guard let typeText else {
                throw PatchbayError(.xmlError, "missing source address type", domain: .domain)
            }
            guard let kind = HostdevSource.Kind(rawValue: typeText) else {
                throw PatchbayError(.configUnsupported, "unknown host device source address type '\(typeText)'", domain: .domain)
            }
            self = .hostdev(try HostdevSource(kind: kind, source: source, inInterface: true))
        case .vdpa:
            self = .vdpa(dev: try Self.required(source, "dev", type))
        case .null:
            self = .null
        case .vds:
            let text = try Self.required(source, "switchid", type)
            let switchID: LibvirtUUID
            do { switchID = try LibvirtUUID(text) } catch {
                throw PatchbayError(.xmlError, "Invalid value for attribute 'switchid' in element 'source': '\(text)'. Expected UUID", domain: .domain)
            }
            func long(_ name: String) throws(PatchbayError) -> Int64 {
                let text = try Self.required(source, name, type)
                // Decimal, or hexadecimal with 0x, as strtoll with base 0 reads it.
                let trimmed = text.trimmingWhitespace
                let negative = trimmed.hasPrefix("-")
                let body = negative || trimmed.hasPrefix("+") ? String(trimmed.dropFirst()) : trimmed
                let magnitude = body.lowercased().hasPrefix("0x") ? Int64(body.dropFirst(2), radix: 16) : Int64(body)
                guard let magnitude, !body.isEmpty else {
                    throw PatchbayError(.xmlError, "Invalid value for attribute '\(name)' in element 'source': '\(text)'. Expected long long integer value", domain: .domain)
                }
                return negative ? -magnitude : magnitude
            }
            let portID = try long("portid")
            let portgroupID = try Self.required(source, "portgroupid", type)
            self = .vds(switchID: switchID, portID: portID, portgroupID: portgroupID, connectionID: try long("connectionid"))
        }
    }

    /// A required attribute of `<source>` (whose presence the caller has checked).
    private static func required(_ source: XMLElement?, _ attribute: String, _ type: InterfaceType) throws(PatchbayError) -> String {
        guard let source else { throw PatchbayError(.xmlError, "interface type='\(type.rawValue)' requires a 'source' element", domain: .domain) }
        return try source.domainRequired(attribute)
    }

    /// A socket's `port`: libvirt reads any int and leaves the range to the hypervisor.
    private static func socketPort(_ element: XMLElement) throws(PatchbayError) -> Int32 {
        let text = try element.domainRequired("port")
        guard let value = Int32(text.trimmingWhitespace) else {
            throw PatchbayError(.xmlError, "Invalid value for attribute 'port' in element '\(element.name)': '\(text)'. Expected integer value", domain: .domain)
        }
        return value
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
            source.set("portid", String(portID))
            source.set("portgroupid", portgroupID)
            source.set("connectionid", String(connectionID))
        }
        return source.attributes.isEmpty && source.elements.isEmpty ? nil : source
    }
}
