import CLinuxUAPI
import Glibc
import NetCore

/// One nf_tables table as the kernel lists it (an NFT_MSG_NEWTABLE message).
public struct NftablesTable: Sendable, Hashable {
    /// The table's family (`inet`, `ip`...).
    public var family: NetfilterFamily
    /// The table's name.
    public var name: String

    public init(family: NetfilterFamily, name: String) {
        self.family = family
        self.name = name
    }

    /// Parses an NFT_MSG_NEWTABLE body (after `nlmsghdr`).
    public init(body: ArraySlice<UInt8>) throws(NetlinkError) {
        let message = try NetlinkMessage<NetfilterHeader>(type: 0, flags: 0, sequence: 0, body: body)
        guard let name = message.attributes.first(Nftables.tableName) else { throw .malformed("table message without a name") }
        family = message.header.family
        self.name = name.stringValue
    }
}

/// nf_tables operations over one NETLINK_NETFILTER socket, without spawning `nft`, reported as
/// `PatchbayError`s that name the table (`Unable to delete nftables table inet 'x': ...`).
///
/// Changes go to the kernel as one nfnetlink batch (one transaction) in one datagram.
public final class Nftables: Sendable {
    /// The underlying NETLINK_NETFILTER socket.
    public let socket: NetlinkSocket

    /// Operations in the namespace file `namespace` (e.g. `/run/netns/NAME`), or the caller's when nil.
    public init(in namespace: String? = nil) throws(PatchbayError) {
        if let namespace {
            socket = try NetlinkSocket(namespace: namespace, protocol: NETLINK_NETFILTER)
        } else {
            socket = try NetlinkSocket(protocol: NETLINK_NETFILTER)
        }
    }

    /// Operations over `socket`, a NETLINK_NETFILTER one (in tests, one over a recorded transport).
    public init(socket: NetlinkSocket) { self.socket = socket }

    /// NFTA_TABLE_NAME.
    static let tableName = UInt16(NFTA_TABLE_NAME.rawValue)

    /// The nfnetlink message type of an nf_tables message: subsystem in the high byte.
    static func messageType(_ type: nf_tables_msg_types) -> UInt16 {
        UInt16(NFNL_SUBSYS_NFTABLES) << 8 | UInt16(type.rawValue)
    }

    // MARK: tables

    /// Deletes the table `name` of `family` with everything in it; deleting an absent table is not
    /// an error.
    public func deleteTable(_ name: String, family: NetfilterFamily = .inet) throws(PatchbayError) {
        do {
            try socket.requestBatch { first in Self.deleteTableBatch(name, family: family, sequence: first) }
        } catch .kernel(let code) where code == ENOENT {
            return
        } catch {
            throw error.reported("Unable to delete nftables table \(family) '\(name)'")
        }
    }

    /// The batch that deletes a table, exactly as sent (exposed for golden-bytes tests): begin,
    /// NFT_MSG_DELTABLE asking for an acknowledgement, end, numbered from `sequence`.
    public static func deleteTableBatch(_ name: String, family: NetfilterFamily = .inet,
                                        sequence: UInt32) -> [NetlinkMessage<NetfilterHeader>] {
        let delete = NetlinkMessage(type: messageType(NFT_MSG_DELTABLE), flags: UInt16(NLM_F_REQUEST | NLM_F_ACK),
                                    header: NetfilterHeader(family: family), attributes: [.string(tableName, name)])
        return NetfilterBatch.messages(subsystem: UInt16(NFNL_SUBSYS_NFTABLES), sequence: sequence, [delete])
    }

    /// Every table of `family` (all families when `.unspecified`), in the kernel's order.
    public func tables(family: NetfilterFamily = .unspecified) throws(PatchbayError) -> [NftablesTable] {
        do {
            return try socket.dump(Self.listTablesMessage(family: family))
                .filter { $0.type == Self.messageType(NFT_MSG_NEWTABLE) }
                .map { answer throws(NetlinkError) in try NftablesTable(body: answer.body) }
        } catch {
            throw error.reported("Unable to list nftables tables")
        }
    }

    /// The NFT_MSG_GETTABLE dump request (NLM_F_REQUEST | NLM_F_DUMP are added on send).
    public static func listTablesMessage(family: NetfilterFamily = .unspecified) -> NetlinkMessage<NetfilterHeader> {
        NetlinkMessage(type: messageType(NFT_MSG_GETTABLE), flags: 0, header: NetfilterHeader(family: family))
    }
}
