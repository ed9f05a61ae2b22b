import CLinuxUAPI
import Glibc
import NetCore

extension Rtnetlink {
    /// Adds `address/prefix` to the link `name`.
    public func addAddress(_ address: IPAddress, prefix: PrefixLength, to name: InterfaceName) throws(PatchbayError) {
        try changeAddress(add: true, address, prefix: prefix, name: name)
    }

    /// Removes `address/prefix` from the link `name`.
    public func deleteAddress(_ address: IPAddress, prefix: PrefixLength, from name: InterfaceName) throws(PatchbayError) {
        try changeAddress(add: false, address, prefix: prefix, name: name)
    }

    private func changeAddress(add: Bool, _ address: IPAddress, prefix: PrefixLength, name: InterfaceName) throws(PatchbayError) {
        let verb = add ? "add" : "delete"
        guard let link = try link(named: name) else {
            throw PatchbayError(.systemError, "Unable to \(verb) address \(address)/\(prefix) on '\(name)': no such interface")
        }
        let family = UInt8(address.family == .ipv4 ? AF_INET : AF_INET6)
        var attributes: [NetlinkAttribute] = [
            NetlinkAttribute(UInt16(IFA_LOCAL), bytes: address.bytes),
            NetlinkAttribute(UInt16(IFA_ADDRESS), bytes: address.bytes),
        ]
        if address.family == .ipv4, prefix.value < 31 {
            let broadcast = address.bytes.enumerated().map { index, byte -> UInt8 in
                let bit = index * 8
                if bit + 8 <= prefix.value { return byte }
                if bit >= prefix.value { return 0xFF }
                return byte | UInt8(0xFF >> (prefix.value - bit))
            }
            attributes.append(NetlinkAttribute(UInt16(IFA_BROADCAST), bytes: broadcast))
        }
        let message = NetlinkMessage(type: UInt16(add ? RTM_NEWADDR : RTM_DELADDR),
                                     flags: add ? Self.createFlags : 0,
                                     header: AddressHeader(family: family, prefixLength: UInt8(prefix.value), index: UInt32(bitPattern: link.index)),
                                     attributes: attributes)
        do { try socket.request(message) } catch {
            throw error.reported("Unable to \(verb) address \(address)/\(prefix) on '\(name)'")
        }
    }

    /// Addresses of the link `name` (all links when nil).
    public func addresses(of name: InterfaceName? = nil) throws(PatchbayError) -> [AddressInfo] {
        var index: UInt32?
        if let name {
            guard let link = try link(named: name) else { return [] }
            index = UInt32(bitPattern: link.index)
        }
        let message = NetlinkMessage(type: UInt16(RTM_GETADDR), flags: 0, header: AddressHeader(family: 0, prefixLength: 0, index: 0))
        do {
            let all = try socket.dump(message).filter { $0.type == UInt16(RTM_NEWADDR) }
                .map { answer throws(NetlinkError) in try AddressInfo(body: answer.body) }
            return index.map { wanted in all.filter { $0.index == wanted } } ?? all
        } catch {
            throw error.reported("Unable to list addresses")
        }
    }
}
