import CLinuxUAPI

/// The fixed header that follows `nlmsghdr`: rtnetlink's ifinfomsg, ifaddrmsg, rtmsg... or nfnetlink's nfgenmsg.
public protocol RouteFamilyHeader: Sendable {
    /// Appends the header's fields in declaration order.
    func encode(into writer: inout NetlinkWriter)
    /// Reads the header.
    init(reading reader: inout NetlinkReader) throws(NetlinkError)
}

/// A netlink message (rtnetlink or nfnetlink): `nlmsghdr`, a family header, then attributes.
public struct NetlinkMessage<Header: RouteFamilyHeader>: Sendable {
    /// `nlmsg_type`, e.g. RTM_NEWLINK.
    public var type: UInt16
    /// `nlmsg_flags`, e.g. NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL.
    public var flags: UInt16
    /// `nlmsg_seq`, matched against the kernel's answer.
    public var sequence: UInt32
    /// The family header.
    public var header: Header
    public var attributes: [NetlinkAttribute]

    public init(type: UInt16, flags: UInt16, sequence: UInt32 = 0, header: Header, attributes: [NetlinkAttribute] = []) {
        self.type = type
        self.flags = flags
        self.sequence = sequence
        self.header = header
        self.attributes = attributes
    }

    /// The wire bytes.
    public func encoded() -> [UInt8] {
        var writer = NetlinkWriter()
        writer.lengthPrefixed32 { writer in
            writer.append(type)
            writer.append(flags)
            writer.append(sequence)
            writer.append(UInt32(0))
            header.encode(into: &writer)
            writer.alignTo4()
            for attribute in attributes { attribute.encode(into: &writer) }
        }
        return writer.bytes
    }

    /// Parses one message body (after `nlmsghdr`).
    public init(type: UInt16, flags: UInt16, sequence: UInt32, body: ArraySlice<UInt8>) throws(NetlinkError) {
        var reader = NetlinkReader(body)
        self.type = type
        self.flags = flags
        self.sequence = sequence
        self.header = try Header(reading: &reader)
        reader.skipPadding()
        self.attributes = try NetlinkAttribute.parseAll(try reader.take(reader.remaining))
    }
}

/// `struct ifinfomsg`: which link, and flag changes.
public struct InterfaceInfoHeader: RouteFamilyHeader, Equatable {
    /// `ifi_family` (AF_UNSPEC for links).
    public var family: UInt8 = 0
    /// `ifi_type` (ARPHRD_*), filled by the kernel.
    public var deviceType: UInt16 = 0
    /// `ifi_index`; 0 lets the kernel choose / selects by name.
    public var index: Int32 = 0
    /// `ifi_flags` (IFF_UP...).
    public var flags: UInt32 = 0
    /// `ifi_change`: which bits of `flags` to apply.
    public var change: UInt32 = 0

    public init(index: Int32 = 0, flags: UInt32 = 0, change: UInt32 = 0) {
        self.index = index
        self.flags = flags
        self.change = change
    }

    /// Appends the fields.
    public func encode(into writer: inout NetlinkWriter) {
        writer.append(family)
        writer.append(UInt8(0))
        writer.append(deviceType)
        writer.append(index)
        writer.append(flags)
        writer.append(change)
    }

    /// Reads the fields.
    public init(reading reader: inout NetlinkReader) throws(NetlinkError) {
        family = try reader.integer()
        _ = try reader.integer(UInt8.self)
        deviceType = try reader.integer()
        index = try reader.integer()
        flags = try reader.integer()
        change = try reader.integer()
    }
}

/// `struct ifaddrmsg`: an address on a link.
public struct AddressHeader: RouteFamilyHeader, Equatable {
    /// AF_INET or AF_INET6.
    public var family: UInt8
    /// Prefix length.
    public var prefixLength: UInt8
    /// IFA_F_* flags.
    public var flags: UInt8 = 0
    /// RT_SCOPE_*.
    public var scope: UInt8 = 0
    /// The link's index.
    public var index: UInt32

    public init(family: UInt8, prefixLength: UInt8, index: UInt32, scope: UInt8 = 0) {
        self.family = family
        self.prefixLength = prefixLength
        self.index = index
        self.scope = scope
    }

    /// Appends the fields.
    public func encode(into writer: inout NetlinkWriter) {
        writer.append(family)
        writer.append(prefixLength)
        writer.append(flags)
        writer.append(scope)
        writer.append(index)
    }

    /// Reads the fields.
    public init(reading reader: inout NetlinkReader) throws(NetlinkError) {
        family = try reader.integer()
        prefixLength = try reader.integer()
        flags = try reader.integer()
        scope = try reader.integer()
        index = try reader.integer()
    }
}

/// `struct rtmsg`: a route.
public struct RouteHeader: RouteFamilyHeader, Equatable {
    /// AF_INET or AF_INET6.
    public var family: UInt8
    /// Destination prefix length.
    public var destinationLength: UInt8
    /// Source prefix length.
    public var sourceLength: UInt8 = 0
    /// Type of service.
    public var tos: UInt8 = 0
    /// Routing table (RT_TABLE_MAIN).
    public var table: UInt8 = UInt8(RT_TABLE_MAIN.rawValue)
    /// Who installed it (RTPROT_STATIC).
    public var routeProtocol: UInt8 = 4
    /// RT_SCOPE_UNIVERSE or RT_SCOPE_LINK.
    public var scope: UInt8 = 0
    /// RTN_UNICAST.
    public var routeType: UInt8 = UInt8(RTN_UNICAST)
    /// RTM_F_* flags.
    public var flags: UInt32 = 0

    public init(family: UInt8, destinationLength: UInt8, scope: UInt8 = 0) {
        self.family = family
        self.destinationLength = destinationLength
        self.scope = scope
    }

    /// Appends the fields.
    public func encode(into writer: inout NetlinkWriter) {
        for byte in [family, destinationLength, sourceLength, tos, table, routeProtocol, scope, routeType] { writer.append(byte) }
        writer.append(flags)
    }

    /// Reads the fields.
    public init(reading reader: inout NetlinkReader) throws(NetlinkError) {
        family = try reader.integer()
        destinationLength = try reader.integer()
        sourceLength = try reader.integer()
        tos = try reader.integer()
        table = try reader.integer()
        routeProtocol = try reader.integer()
        scope = try reader.integer()
        routeType = try reader.integer()
        flags = try reader.integer()
    }
}
