import CLinuxUAPI
import Glibc
import NetCore

/// Link, address and route operations over one rtnetlink socket, reported as `PatchbayError`s that
/// name the operation and object (`Unable to create bridge 'br0': File exists`).
public final class Rtnetlink: Sendable {
    /// The underlying request socket.
    public let socket: NetlinkSocket

    /// Operations in the calling thread's network namespace.
    public init() throws(PatchbayError) { socket = try NetlinkSocket() }

    /// Operations inside the named network namespace file (e.g. `/run/netns/NAME`).
    public init(namespace path: String) throws(PatchbayError) { socket = try NetlinkSocket(namespace: path) }

    /// Operations in the namespace file `namespace`, or the caller's when nil.
    public convenience init(in namespace: String?) throws(PatchbayError) {
        if let namespace {
            self.init(socket: try NetlinkSocket(namespace: namespace))
        } else {
            self.init(socket: try NetlinkSocket())
        }
    }

    /// Operations over `socket` (a monitor's, or in tests one over a recorded transport).
    public init(socket: NetlinkSocket) { self.socket = socket }

    static let newLink = UInt16(RTM_NEWLINK)
    static let createFlags = UInt16(NLM_F_CREATE | NLM_F_EXCL)

    // MARK: links

    /// Creates a link of `kind` called `name`, optionally with MTU, MAC and master already set.
    public func createLink(_ name: InterfaceName, kind: LinkKind, mtu: UInt32? = nil, mac: MACAddress? = nil,
                           masterIndex: Int32? = nil, group: UInt32? = nil) throws(PatchbayError) {
        var message = Self.createLinkMessage(name, kind: kind, mtu: mtu, mac: mac, masterIndex: masterIndex)
        if let group { message.attributes.insert(.u32(UInt16(IFLA_GROUP), group), at: 1) }
        do { try socket.request(message) } catch {
            throw error.reported("Unable to create \(kind.kindName) '\(name)'")
        }
    }

    /// The RTM_NEWLINK request that creates a link (exposed for golden-bytes tests).
    public static func createLinkMessage(_ name: InterfaceName, kind: LinkKind, mtu: UInt32? = nil, mac: MACAddress? = nil,
                                         masterIndex: Int32? = nil) -> NetlinkMessage<InterfaceInfoHeader> {
        let (data, top) = kind.attributes()
        var info: [NetlinkAttribute] = [.string(UInt16(IFLA_INFO_KIND), kind.kindName)]
        if !data.isEmpty { info.append(NetlinkAttribute(UInt16(IFLA_INFO_DATA), nested: data)) }
        var attributes: [NetlinkAttribute] = [.string(UInt16(IFLA_IFNAME), name.value)]
        attributes += top
        if let mtu { attributes.append(.u32(UInt16(IFLA_MTU), mtu)) }
        if let mac { attributes.append(NetlinkAttribute(UInt16(IFLA_ADDRESS), bytes: mac.octets)) }
        if let masterIndex { attributes.append(.u32(UInt16(IFLA_MASTER), UInt32(bitPattern: masterIndex))) }
        attributes.append(NetlinkAttribute(UInt16(IFLA_LINKINFO), nested: info))
        return NetlinkMessage(type: newLink, flags: createFlags, header: InterfaceInfoHeader(), attributes: attributes)
    }

    /// Deletes the link called `name`.
    public func deleteLink(_ name: InterfaceName) throws(PatchbayError) {
        let message = NetlinkMessage(type: UInt16(RTM_DELLINK), flags: 0, header: InterfaceInfoHeader(),
                                     attributes: [.string(UInt16(IFLA_IFNAME), name.value)])
        do { try socket.request(message) } catch { throw error.reported("Unable to delete interface '\(name)'") }
    }

    /// Deletes every link of device group `group` in one request.
    ///
    /// The kernel waits for an RCU grace period per unregistration request (about 20 ms here), so
    /// tearing a whole network down by group costs one wait instead of one per device.
    public func deleteGroup(_ group: UInt32) throws(PatchbayError) {
        guard group != 0 else { throw .invalidArgument("device group 0 holds every device; refusing to delete it") }
        let message = NetlinkMessage(type: UInt16(RTM_DELLINK), flags: 0, header: InterfaceInfoHeader(),
                                     attributes: [.u32(UInt16(IFLA_GROUP), group)])
        do { try socket.request(message) } catch .kernel(let code) where code == ENODEV {
            return
        } catch {
            throw error.reported("Unable to delete device group \(group)")
        }
    }

    /// Changes the link called `name`: any of up/down, MTU, MAC, master (0 = none), namespace, group.
    public func setLink(_ name: InterfaceName, up: Bool? = nil, mtu: UInt32? = nil, mac: MACAddress? = nil,
                        masterIndex: Int32? = nil, namespaceFD: Int32? = nil, group: UInt32? = nil) throws(PatchbayError) {
        var message = Self.setLinkMessage(name, up: up, mtu: mtu, mac: mac, masterIndex: masterIndex, namespaceFD: namespaceFD)
        if let group { message.attributes.append(.u32(UInt16(IFLA_GROUP), group)) }
        do { try socket.request(message) } catch { throw error.reported("Unable to change interface '\(name)'") }
    }

    /// The RTM_NEWLINK request that changes an existing link (exposed for golden-bytes tests).
    public static func setLinkMessage(_ name: InterfaceName, up: Bool? = nil, mtu: UInt32? = nil, mac: MACAddress? = nil,
                                      masterIndex: Int32? = nil, namespaceFD: Int32? = nil) -> NetlinkMessage<InterfaceInfoHeader> {
        var header = InterfaceInfoHeader()
        if let up {
            header.change = UInt32(IFF_UP)
            header.flags = up ? UInt32(IFF_UP) : 0
        }
        var attributes: [NetlinkAttribute] = [.string(UInt16(IFLA_IFNAME), name.value)]
        if let mtu { attributes.append(.u32(UInt16(IFLA_MTU), mtu)) }
        if let mac { attributes.append(NetlinkAttribute(UInt16(IFLA_ADDRESS), bytes: mac.octets)) }
        if let masterIndex { attributes.append(.u32(UInt16(IFLA_MASTER), UInt32(bitPattern: masterIndex))) }
        if let namespaceFD { attributes.append(.u32(UInt16(IFLA_NET_NS_FD), UInt32(bitPattern: namespaceFD))) }
        return NetlinkMessage(type: newLink, flags: 0, header: header, attributes: attributes)
    }

    /// Stops the kernel from giving `name` an IPv6 link-local address (`addrgenmode none`).
    public func disableAddressGeneration(_ name: InterfaceName) throws(PatchbayError) {
        let mode = NetlinkAttribute.u8(UInt16(IFLA_INET6_ADDR_GEN_MODE), UInt8(IN6_ADDR_GEN_MODE_NONE.rawValue))
        let spec = NetlinkAttribute(UInt16(IFLA_AF_SPEC), nested: [NetlinkAttribute(UInt16(AF_INET6), nested: [mode])])
        let message = NetlinkMessage(type: Self.newLink, flags: 0, header: InterfaceInfoHeader(),
                                     attributes: [.string(UInt16(IFLA_IFNAME), name.value), spec])
        do { try socket.request(message) } catch { throw error.reported("Unable to set addrgenmode of '\(name)'") }
    }

    /// Enslaves `name` to the bridge `master`, which must exist.
    public func attach(_ name: InterfaceName, to master: InterfaceName) throws(PatchbayError) {
        guard let bridge = try link(named: master) else {
            throw PatchbayError(.systemError, "Unable to add '\(name)' to bridge '\(master)': no such interface '\(master)'")
        }
        try setLink(name, masterIndex: bridge.index)
    }

    /// Releases `name` from its master.
    public func detach(_ name: InterfaceName) throws(PatchbayError) { try setLink(name, masterIndex: 0) }

    /// The link called `name`, or nil when there is none.
    public func link(named name: InterfaceName) throws(PatchbayError) -> LinkInfo? {
        let message = NetlinkMessage(type: UInt16(RTM_GETLINK), flags: 0, header: InterfaceInfoHeader(),
                                     attributes: [.string(UInt16(IFLA_IFNAME), name.value)])
        do {
            let answers = try socket.query(message)
            return try answers.first.map { answer throws(NetlinkError) in try LinkInfo(body: answer.body) }
        } catch .kernel(let code) where code == ENODEV {
            return nil
        } catch {
            throw error.reported("Unable to look up interface '\(name)'")
        }
    }

    /// Name, device group and kind of every link, read without decoding the rest of each link
    /// (a namespace with a thousand bridges answers with megabytes of attributes).
    public func linkSummaries() throws(PatchbayError) -> [LinkSummary] {
        let message = NetlinkMessage(type: UInt16(RTM_GETLINK), flags: 0, header: InterfaceInfoHeader())
        do {
            var summaries: [LinkSummary] = []
            for answer in try socket.dump(message) where answer.type == UInt16(RTM_NEWLINK) {
                var reader = NetlinkReader(answer.body)
                _ = try InterfaceInfoHeader(reading: &reader)
                let attributes = answer.body.suffix(reader.remaining)
                guard let name = try NetlinkAttribute.firstPayload(UInt16(IFLA_IFNAME), in: attributes) else { continue }
                let group = try NetlinkAttribute.firstPayload(UInt16(IFLA_GROUP), in: attributes)
                    .flatMap { $0.count >= 4 ? $0.withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) } : nil }
                let kind = try NetlinkAttribute.firstPayload(UInt16(IFLA_LINKINFO), in: attributes)
                    .flatMap { info throws(NetlinkError) in try NetlinkAttribute.firstPayload(UInt16(IFLA_INFO_KIND), in: info) }
                summaries.append(LinkSummary(name: Self.cString(name), group: group ?? 0, kind: kind.map(Self.cString)))
            }
            return summaries
        } catch {
            throw error.reported("Unable to list interfaces")
        }
    }

    /// The names of every link in the namespace.
    public func linkNames() throws(PatchbayError) -> Set<String> { Set(try linkSummaries().map(\.name)) }

    private static func cString(_ bytes: ArraySlice<UInt8>) -> String { String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self) }

    /// Every link in the namespace.
    public func links() throws(PatchbayError) -> [LinkInfo] {
        let message = NetlinkMessage(type: UInt16(RTM_GETLINK), flags: 0, header: InterfaceInfoHeader())
        do {
            return try socket.dump(message).filter { $0.type == UInt16(RTM_NEWLINK) }
                .map { answer throws(NetlinkError) in try LinkInfo(body: answer.body) }
        } catch {
            throw error.reported("Unable to list interfaces")
        }
    }
}

/// What a quick look at a link tells: its name, device group and kind (`bridge`, `veth`, ...).
public struct LinkSummary: Sendable, Equatable {
    /// Interface name.
    public var name: String
    /// Device group (0 is every device's default).
    public var group: UInt32
    /// `IFLA_INFO_KIND`, nil for devices without one (loopback, physical NICs).
    public var kind: String?

    /// A summary.
    public init(name: String, group: UInt32, kind: String?) {
        self.name = name
        self.group = group
        self.kind = kind
    }
}
