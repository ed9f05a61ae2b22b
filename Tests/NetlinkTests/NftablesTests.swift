import Glibc
import NetCore
import Netlink
import TestSupport
import Testing

/// Wire images written out by hand from linux/netlink.h (`nlmsghdr`), linux/netfilter/nfnetlink.h
/// (`nfgenmsg`: u8 family, u8 version, be16 res_id; NFNL_MSG_BATCH_BEGIN/END = 0x10/0x11,
/// NFNL_SUBSYS_NFTABLES = 10) and linux/netfilter/nf_tables.h (NFT_MSG_NEWTABLE/GETTABLE/DELTABLE
/// = 0/1/2, NFTA_TABLE_NAME = 1); NFPROTO_INET = 1 (linux/netfilter.h).
@Suite("nf_tables golden bytes")
struct NftablesGoldenBytesTests {
    @Test func deleteTableBatch() {
        let batch = Nftables.deleteTableBatch("pb", family: .inet, sequence: 100)
        let expected: [UInt8] = [
            // NFNL_MSG_BATCH_BEGIN
            20, 0, 0, 0, /* nlmsg_len */ 0x10, 0x00, /* type */ 0x01, 0x00, /* NLM_F_REQUEST */
            100, 0, 0, 0, /* seq */ 0, 0, 0, 0, /* pid */
            0, /* AF_UNSPEC */ 0, /* NFNETLINK_V0 */ 0x00, 0x0A, /* res_id = htons(NFNL_SUBSYS_NFTABLES) */
            // NFT_MSG_DELTABLE
            28, 0, 0, 0, 0x02, 0x0A, /* (10 << 8) | 2 */ 0x05, 0x00, /* NLM_F_REQUEST | NLM_F_ACK */
            101, 0, 0, 0, 0, 0, 0, 0,
            1, /* NFPROTO_INET */ 0, 0x00, 0x00, /* res_id 0 */
            7, 0, 1, 0, 0x70, 0x62, 0, /* NFTA_TABLE_NAME "pb" */ 0, /* pad */
            // NFNL_MSG_BATCH_END
            20, 0, 0, 0, 0x11, 0x00, 0x01, 0x00, 102, 0, 0, 0, 0, 0, 0, 0,
            0, 0, 0x00, 0x0A,
        ]
        #expect(batch.flatMap { $0.encoded() } == expected)
    }

    @Test func listTablesRequest() {
        var message = Nftables.listTablesMessage(family: .inet)
        message.sequence = 7
        let expected: [UInt8] = [
            20, 0, 0, 0, 0x01, 0x0A, /* (10 << 8) | NFT_MSG_GETTABLE */ 0, 0, /* REQUEST|DUMP added on send */
            7, 0, 0, 0, 0, 0, 0, 0,
            1, 0, 0, 0, /* NFPROTO_INET, NFNETLINK_V0, res_id 0 */
        ]
        #expect(message.encoded() == expected)
    }

    @Test func decodesNewTableReply() throws {
        // An NFT_MSG_NEWTABLE body as the kernel dumps it: nfgenmsg (res_id = ruleset generation),
        // then name, flags, use and handle (the last three big-endian, NLA_BE32/NLA_BE64).
        let body: [UInt8] = [
            1, 0, 0x01, 0x2C, /* NFPROTO_INET, NFNETLINK_V0, res_id 300 */
            15, 0, 1, 0, 0x70, 0x61, 0x74, 0x63, 0x68, 0x62, 0x61, 0x79, 0x5F, 0x78, 0, 0, /* NFTA_TABLE_NAME "patchbay_x" + pad */
            8, 0, 2, 0, 0, 0, 0, 0, /* NFTA_TABLE_FLAGS 0 */
            8, 0, 3, 0, 0, 0, 0, 2, /* NFTA_TABLE_USE 2 */
            12, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 5, /* NFTA_TABLE_HANDLE 5 */
        ]
        let table = try NftablesTable(body: body[...])
        #expect(table == NftablesTable(family: .inet, name: "patchbay_x"))
        let message = try NetlinkMessage<NetfilterHeader>(type: 0x0A00, flags: 0, sequence: 0, body: body[...])
        #expect(message.header.resourceID == 300)
        #expect(message.header.version == 0)
        #expect(message.attributes.map(\.type) == [1, 2, 3, 4])
    }

    @Test func tableWithoutNameIsMalformed() {
        let body: [UInt8] = [2, 0, 0, 0, 8, 0, 2, 0, 0, 0, 0, 0]
        #expect(throws: NetlinkError.self) { try NftablesTable(body: body[...]) }
    }

    @Test func familiesAsNftSpellsThem() {
        #expect(NetfilterFamily.inet.description == "inet")
        #expect(NetfilterFamily.ipv4.description == "ip")
        #expect(NetfilterFamily.ipv6.description == "ip6")
        #expect(NetfilterFamily(rawValue: 99).description == "family 99")
    }
}

/// nf_tables requests against the real kernel, inside a namespace made for the test; `nft` is the
/// independent witness.
@Suite("nf_tables against the kernel", .serialized)
struct NftablesKernelTests {
    @Test func listAndDeleteTables() throws {
        try TestNamespace.with { ns in
            let nftables = try Nftables(in: ns.path)
            #expect(try nftables.tables().isEmpty)
            try ns.exec(["nft", "add", "table", "inet", "pbtest"])
            try ns.exec(["nft", "add", "table", "ip", "pbtest"])
            #expect(Set(try nftables.tables()) == [NftablesTable(family: .inet, name: "pbtest"), NftablesTable(family: .ipv4, name: "pbtest")])
            #expect(try nftables.tables(family: .inet) == [NftablesTable(family: .inet, name: "pbtest")])

            try nftables.deleteTable("pbtest", family: .inet)
            #expect(try nftables.tables() == [NftablesTable(family: .ipv4, name: "pbtest")])
            let listed = try ns.exec(["nft", "list", "tables"])
            #expect(listed.split(separator: "\n") == ["table ip pbtest"])
            // Absent: not an error.
            try nftables.deleteTable("pbtest", family: .inet)
            try nftables.deleteTable("never-there", family: .ipv6)
        }
    }

    @Test func otherErrorsNameTheTable() throws {
        try TestNamespace.with { ns in
            let nftables = try Nftables(in: ns.path)
            // Longer than NFT_TABLE_MAXNAMELEN: the kernel refuses the attribute with ERANGE.
            let name = String(repeating: "x", count: 300)
            let error = try #require(throws: PatchbayError.self) { try nftables.deleteTable(name) }
            #expect(error.code == .systemError)
            #expect(error.detail == "Unable to delete nftables table inet '\(name)': \(String(cString: strerror(ERANGE)))")
            // The socket is still in step afterwards.
            #expect(try nftables.tables().isEmpty)
        }
    }
}
