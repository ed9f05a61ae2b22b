import CLinuxUAPI
import Glibc
import NetCore

/// What the kernel reports about one link (an RTM_NEWLINK message).
public struct LinkInfo: Sendable, Equatable {
    /// Interface index.
    public var index: Int32
    /// Interface name.
    public var name: String
    /// IFF_* flags.
    public var flags: UInt32
    /// MTU in bytes.
    public var mtu: UInt32?
    /// Hardware address (nil for devices without one).
    public var mac: MACAddress?
    /// Index of the bridge (or other master) it is enslaved to.
    public var masterIndex: Int32?
    /// Index of the lower device (macvlan/macvtap/vlan), if any.
    public var lowerIndex: Int32?
    /// `IFLA_INFO_KIND` (bridge, veth, macvlan, tun...), nil for physical devices.
    public var kind: String?
    /// Carrier state.
    public var carrier: Bool?
    /// Device group (0 unless set).
    public var group: UInt32
    /// `IFLA_MACVLAN_MODE` of a macvlan/macvtap (`MACVLAN_MODE_*`), nil for other kinds.
    public var macvlanMode: UInt32?

    /// True when administratively up.
    public var isUp: Bool { flags & UInt32(IFF_UP) != 0 }

    /// Parses an RTM_NEWLINK/RTM_DELLINK body.
    public init(body: ArraySlice<UInt8>) throws(NetlinkError) {
        let message = try NetlinkMessage<InterfaceInfoHeader>(type: 0, flags: 0, sequence: 0, body: body)
        index = message.header.index
        flags = message.header.flags
        let attributes = message.attributes
        name = attributes.first(UInt16(IFLA_IFNAME))?.stringValue ?? ""
        mtu = attributes.first(UInt16(IFLA_MTU))?.integer(UInt32.self)
        mac = attributes.first(UInt16(IFLA_ADDRESS)).flatMap { try? MACAddress(octets: $0.bytes) }
        masterIndex = attributes.first(UInt16(IFLA_MASTER))?.integer(Int32.self)
        lowerIndex = attributes.first(UInt16(IFLA_LINK))?.integer(Int32.self)
        carrier = attributes.first(UInt16(IFLA_CARRIER))?.integer(UInt8.self).map { $0 != 0 }
        group = attributes.first(UInt16(IFLA_GROUP))?.integer(UInt32.self) ?? 0
        if let info = try attributes.first(UInt16(IFLA_LINKINFO))?.nestedAttributes() {
            kind = info.first(UInt16(IFLA_INFO_KIND))?.stringValue
            if kind == "macvlan" || kind == "macvtap", let data = try info.first(UInt16(IFLA_INFO_DATA))?.nestedAttributes() {
                macvlanMode = data.first(UInt16(IFLA_MACVLAN_MODE))?.integer(UInt32.self)
            }
        }
    }
}

/// One address on a link (an RTM_NEWADDR message).
public struct AddressInfo: Sendable, Equatable {
    /// The link's index.
    public var index: UInt32
    public var address: IPAddress
    /// Its prefix length.
    public var prefixLength: Int

    /// Parses an RTM_NEWADDR body.
    public init(body: ArraySlice<UInt8>) throws(NetlinkError) {
        let message = try NetlinkMessage<AddressHeader>(type: 0, flags: 0, sequence: 0, body: body)
        index = message.header.index
        prefixLength = Int(message.header.prefixLength)
        let raw = message.attributes.first(UInt16(IFA_LOCAL)) ?? message.attributes.first(UInt16(IFA_ADDRESS))
        guard let raw, let address = try? IPAddress(bytes: raw.bytes) else { throw .malformed("address message without an address") }
        self.address = address
    }
}
