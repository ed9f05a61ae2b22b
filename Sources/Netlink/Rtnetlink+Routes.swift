import CLinuxUAPI
import Glibc
import NetCore

extension Rtnetlink {
    /// Adds a route to `destination/prefix` via `gateway` and/or out of `device`.
    public func addRoute(to destination: IPAddress, prefix: PrefixLength, via gateway: IPAddress? = nil,
                         device: InterfaceName? = nil) throws(PatchbayError) {
        try changeRoute(add: true, destination, prefix: prefix, gateway: gateway, device: device)
    }

    /// Removes that route.
    public func deleteRoute(to destination: IPAddress, prefix: PrefixLength, via gateway: IPAddress? = nil,
                            device: InterfaceName? = nil) throws(PatchbayError) {
        try changeRoute(add: false, destination, prefix: prefix, gateway: gateway, device: device)
    }

    private func changeRoute(add: Bool, _ destination: IPAddress, prefix: PrefixLength, gateway: IPAddress?,
                             device: InterfaceName?) throws(PatchbayError) {
        let what = "\(add ? "add" : "delete") route to \(destination)/\(prefix)"
        let family = UInt8(destination.family == .ipv4 ? AF_INET : AF_INET6)
        var header = RouteHeader(family: family, destinationLength: UInt8(prefix.value))
        // A route without a gateway is reached directly on the link.
        header.scope = gateway == nil ? UInt8(RT_SCOPE_LINK.rawValue) : UInt8(RT_SCOPE_UNIVERSE.rawValue)
        var attributes: [NetlinkAttribute] = []
        if prefix.value > 0 { attributes.append(NetlinkAttribute(UInt16(RTA_DST.rawValue), bytes: destination.masked(to: prefix).bytes)) }
        if let gateway { attributes.append(NetlinkAttribute(UInt16(RTA_GATEWAY.rawValue), bytes: gateway.bytes)) }
        if let device {
            guard let link = try link(named: device) else {
                throw PatchbayError(.systemError, "Unable to \(what): no such interface '\(device)'")
            }
            attributes.append(.u32(UInt16(RTA_OIF.rawValue), UInt32(bitPattern: link.index)))
        }
        let message = NetlinkMessage(type: UInt16(add ? RTM_NEWROUTE : RTM_DELROUTE), flags: add ? Self.createFlags : 0,
                                     header: header, attributes: attributes)
        do { try socket.request(message) } catch { throw error.reported("Unable to \(what)") }
    }
}
