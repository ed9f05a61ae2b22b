import CLinuxUAPI
import Glibc
import NetCore

/// One route as the kernel reports it (an RTM_NEWROUTE message), with every field a restore needs.
public struct RouteInfo: Sendable, Equatable {
    /// The `rtmsg` header: family, prefix lengths, table, protocol, scope, type.
    public var header: RouteHeader
    /// `RTA_TABLE` when present (tables above 255 live only there), else the header's table.
    public var table: UInt32
    /// Destination (nil for a default route).
    public var destination: IPAddress?
    /// Next hop.
    public var gateway: IPAddress?
    /// Output interface index.
    public var outputIndex: Int32?
    /// `RTA_PRIORITY`, the metric.
    public var metric: UInt32?
    /// Preferred source address.
    public var preferredSource: IPAddress?

    /// Parses an RTM_NEWROUTE body.
    public init(body: ArraySlice<UInt8>) throws(NetlinkError) {
        let message = try NetlinkMessage<RouteHeader>(type: 0, flags: 0, sequence: 0, body: body)
        header = message.header
        let attributes = message.attributes
        table = attributes.first(UInt16(RTA_TABLE.rawValue))?.integer(UInt32.self) ?? UInt32(header.table)
        destination = attributes.first(UInt16(RTA_DST.rawValue)).flatMap { try? IPAddress(bytes: $0.bytes) }
        gateway = attributes.first(UInt16(RTA_GATEWAY.rawValue)).flatMap { try? IPAddress(bytes: $0.bytes) }
        outputIndex = attributes.first(UInt16(RTA_OIF.rawValue))?.integer(Int32.self)
        metric = attributes.first(UInt16(RTA_PRIORITY.rawValue))?.integer(UInt32.self)
        preferredSource = attributes.first(UInt16(RTA_PREFSRC.rawValue)).flatMap { try? IPAddress(bytes: $0.bytes) }
    }

    /// A route built field by field (a restore re-creates one from a stored snapshot).
    public init(header: RouteHeader, destination: IPAddress?, gateway: IPAddress?, outputIndex: Int32?, metric: UInt32?,
                preferredSource: IPAddress?) {
        self.header = header
        self.table = UInt32(header.table)
        self.destination = destination
        self.gateway = gateway
        self.outputIndex = outputIndex
        self.metric = metric
        self.preferredSource = preferredSource
    }

    /// The request that adds (`add`) or deletes exactly this route, keeping its protocol, scope and type.
    public func message(add: Bool) -> NetlinkMessage<RouteHeader> {
        var header = self.header
        header.flags = 0
        var attributes: [NetlinkAttribute] = []
        if let destination, header.destinationLength > 0 {
            attributes.append(NetlinkAttribute(UInt16(RTA_DST.rawValue), bytes: destination.bytes))
        }
        if let gateway { attributes.append(NetlinkAttribute(UInt16(RTA_GATEWAY.rawValue), bytes: gateway.bytes)) }
        if let outputIndex { attributes.append(.u32(UInt16(RTA_OIF.rawValue), UInt32(bitPattern: outputIndex))) }
        if let metric { attributes.append(.u32(UInt16(RTA_PRIORITY.rawValue), metric)) }
        if let preferredSource { attributes.append(NetlinkAttribute(UInt16(RTA_PREFSRC.rawValue), bytes: preferredSource.bytes)) }
        if table > 255 { attributes.append(.u32(UInt16(RTA_TABLE.rawValue), table)) }
        return NetlinkMessage(type: UInt16(add ? RTM_NEWROUTE : RTM_DELROUTE), flags: add ? Rtnetlink.createFlags : 0,
                              header: header, attributes: attributes)
    }
}

extension Rtnetlink {
    /// Every IPv4 and IPv6 route of routing table `table` (the main table unless told).
    public func routes(table: UInt32 = UInt32(RT_TABLE_MAIN.rawValue)) throws(PatchbayError) -> [RouteInfo] {
        let message = NetlinkMessage(type: UInt16(RTM_GETROUTE), flags: 0, header: RouteHeader(family: 0, destinationLength: 0))
        do {
            return try socket.dump(message).filter { $0.type == UInt16(RTM_NEWROUTE) }
                .map { answer throws(NetlinkError) in try RouteInfo(body: answer.body) }
                .filter { $0.table == table }
        } catch {
            throw error.reported("Unable to list routes")
        }
    }

    /// Adds `route` exactly as described (protocol, scope, type, metric, source).
    public func add(_ route: RouteInfo) throws(PatchbayError) {
        do { try socket.request(route.message(add: true)) } catch {
            throw error.reported("Unable to add route to \(route.destination.map { "\($0)" } ?? "default")/\(route.header.destinationLength)")
        }
    }

    /// Deletes `route`.
    public func delete(_ route: RouteInfo) throws(PatchbayError) {
        do { try socket.request(route.message(add: false)) } catch {
            throw error.reported("Unable to delete route to \(route.destination.map { "\($0)" } ?? "default")/\(route.header.destinationLength)")
        }
    }
}
