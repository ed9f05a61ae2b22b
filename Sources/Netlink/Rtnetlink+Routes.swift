import CLinuxUAPI
import Glibc
import NetCore

extension Rtnetlink {
    /// Adds a route to `destination/prefix` via `gateway` and/or out of `device`, with `metric`
    /// as its priority when given (the kernel's default, 0 for IPv4 and 1024 for IPv6, otherwise).
    public func addRoute(to destination: IPAddress, prefix: PrefixLength, via gateway: IPAddress? = nil,
                         device: InterfaceName? = nil, metric: UInt32? = nil) throws(PatchbayError) {
        try changeRoute(add: true, destination, prefix: prefix, gateway: gateway, device: device, metric: metric)
    }

    /// Removes that route (a metric selects it among routes to the same destination).
    public func deleteRoute(to destination: IPAddress, prefix: PrefixLength, via gateway: IPAddress? = nil,
                            device: InterfaceName? = nil, metric: UInt32? = nil) throws(PatchbayError) {
        try changeRoute(add: false, destination, prefix: prefix, gateway: gateway, device: device, metric: metric)
    }

    /// The RTM_NEWROUTE (`add`) or RTM_DELROUTE request for a route out of the interface with
    /// index `outputIndex` (exposed for golden-bytes tests).
    public static func routeMessage(add: Bool, to destination: IPAddress, prefix: PrefixLength, via gateway: IPAddress?,
                                    outputIndex: Int32?, metric: UInt32?) -> NetlinkMessage<RouteHeader> {
        let family = UInt8(destination.family == .ipv4 ? AF_INET : AF_INET6)
        var header = RouteHeader(family: family, destinationLength: UInt8(prefix.value))
        // A route without a gateway is reached directly on the link.
        header.scope = gateway == nil ? UInt8(RT_SCOPE_LINK.rawValue) : UInt8(RT_SCOPE_UNIVERSE.rawValue)
        var attributes: [NetlinkAttribute] = []
        if prefix.value > 0 { attributes.append(NetlinkAttribute(UInt16(RTA_DST.rawValue), bytes: destination.masked(to: prefix).bytes)) }
        if let gateway { attributes.append(NetlinkAttribute(UInt16(RTA_GATEWAY.rawValue), bytes: gateway.bytes)) }
        if let outputIndex { attributes.append(.u32(UInt16(RTA_OIF.rawValue), UInt32(bitPattern: outputIndex))) }
        // The route's priority: what `ip route` shows as "metric" and what orders routes to one destination.
        if let metric { attributes.append(.u32(UInt16(RTA_PRIORITY.rawValue), metric)) }
        return NetlinkMessage(type: UInt16(add ? RTM_NEWROUTE : RTM_DELROUTE), flags: add ? Self.createFlags : 0,
                              header: header, attributes: attributes)
    }

    private func changeRoute(add: Bool, _ destination: IPAddress, prefix: PrefixLength, gateway: IPAddress?,
                             device: InterfaceName?, metric: UInt32?) throws(PatchbayError) {
        let what = "\(add ? "add" : "delete") route to \(destination)/\(prefix)\(metric.map { " metric \($0)" } ?? "")"
        var outputIndex: Int32?
        if let device {
            guard let link = try link(named: device) else {
                throw PatchbayError(.systemError, "Unable to \(what): no such interface '\(device)'")
            }
            outputIndex = link.index
        }
        let message = Self.routeMessage(add: add, to: destination, prefix: prefix, via: gateway, outputIndex: outputIndex, metric: metric)
        do { try socket.request(message) } catch { throw error.reported("Unable to \(what)") }
    }
}
