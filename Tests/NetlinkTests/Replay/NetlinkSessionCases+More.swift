import CLinuxUAPI
import Glibc
import NetCore
import Netlink
import Testing

extension NetlinkSessionCase {
    static let addresses: [NetlinkSessionCase] = [
        NetlinkSessionCase("addAddressIPv4", requests: [
            getLink("pbnic1", sequence: 1),
            """
            30000000 1400 0506 02000000 00000000       // RTM_NEWADDR, REQUEST|ACK|EXCL|CREATE, seq 2
            02 18 00 00 0c000000                       // ifaddrmsg: AF_INET, /24, flags, scope, index 12
            0800 0200 0a090001                         // IFA_LOCAL 10.9.0.1
            0800 0100 0a090001                         // IFA_ADDRESS 10.9.0.1
            0800 0400 0a0900ff                         // IFA_BROADCAST 10.9.0.255
            """,
        ]) { socket in
            try Rtnetlink(socket: socket).addAddress(IPAddress("10.9.0.1"), prefix: PrefixLength(24, family: .ipv4), to: InterfaceName("pbnic1"))
        },
        NetlinkSessionCase("addAddressIPv6", requests: [
            getLink("pbnic1", sequence: 1),
            """
            40000000 1400 0506 02000000 00000000
            0a 40 00 00 0c000000                       // AF_INET6, /64, index 12
            1400 0200 fd000009 00000000 00000000 00000001  // IFA_LOCAL fd00:9::1
            1400 0100 fd000009 00000000 00000000 00000001  // IFA_ADDRESS (no broadcast in IPv6)
            """,
        ]) { socket in
            try Rtnetlink(socket: socket).addAddress(IPAddress("fd00:9::1"), prefix: PrefixLength(64, family: .ipv6), to: InterfaceName("pbnic1"))
        },
        NetlinkSessionCase("listAddresses", requests: [
            getLink("pbnic1", sequence: 1),
            """
            18000000 1600 0103 02000000 00000000       // RTM_GETADDR, REQUEST|DUMP
            00 00 00 00 00000000                       // ifaddrmsg: every family, every link
            """,
        ]) { socket in
            let found = try Rtnetlink(socket: socket).addresses(of: InterfaceName("pbnic1"))
            #expect(found.map(\.address) == [try IPAddress("10.9.0.1"), try IPAddress("fd00:9::1")])
            #expect(found.map(\.prefixLength) == [24, 64])
            #expect(found.allSatisfy { $0.index == 12 })
        },
    ]

    static let routes: [NetlinkSessionCase] = [
        NetlinkSessionCase("addRouteIPv4", requests: [
            getLink("pbnic1", sequence: 1),
            """
            3c000000 1800 0506 02000000 00000000       // RTM_NEWROUTE
            02 10 00 00 fe 04 00 01 00000000           // rtmsg: AF_INET, /16, main table, static, universe, unicast
            0800 0100 0a0a0000                         // RTA_DST 10.10.0.0
            0800 0500 0a090002                         // RTA_GATEWAY 10.9.0.2
            0800 0400 0c000000                         // RTA_OIF 12
            0800 0600 05000000                         // RTA_PRIORITY 5
            """,
        ]) { socket in
            try Rtnetlink(socket: socket).addRoute(to: IPAddress("10.10.0.0"), prefix: PrefixLength(16, family: .ipv4),
                                                   via: IPAddress("10.9.0.2"), device: InterfaceName("pbnic1"), metric: 5)
        },
        NetlinkSessionCase("deleteRouteIPv4", requests: [
            getLink("pbnic1", sequence: 1),
            """
            3c000000 1900 0500 02000000 00000000       // RTM_DELROUTE, REQUEST|ACK
            02 10 00 00 fe 04 00 01 00000000
            0800 0100 0a0a0000
            0800 0500 0a090002
            0800 0400 0c000000
            0800 0600 05000000
            """,
        ]) { socket in
            try Rtnetlink(socket: socket).deleteRoute(to: IPAddress("10.10.0.0"), prefix: PrefixLength(16, family: .ipv4),
                                                      via: IPAddress("10.9.0.2"), device: InterfaceName("pbnic1"), metric: 5)
        },
        NetlinkSessionCase("addRouteIPv6OnLink", requests: [
            getLink("pbnic1", sequence: 1),
            """
            38000000 1800 0506 02000000 00000000
            0a 40 00 00 fe 04 fd 01 00000000           // AF_INET6, /64, scope link (no gateway)
            1400 0100 fd000010 00000000 00000000 00000000  // RTA_DST fd00:10::
            0800 0400 0c000000                         // RTA_OIF 12
            """,
        ]) { socket in
            try Rtnetlink(socket: socket).addRoute(to: IPAddress("fd00:10::"), prefix: PrefixLength(64, family: .ipv6),
                                                   device: InterfaceName("pbnic1"))
        },
        NetlinkSessionCase("deleteAddressIPv4", requests: [
            getLink("pbnic1", sequence: 1),
            """
            30000000 1500 0500 02000000 00000000       // RTM_DELADDR, REQUEST|ACK
            02 18 00 00 0c000000
            0800 0200 0a090001
            0800 0100 0a090001
            0800 0400 0a0900ff
            """,
        ]) { socket in
            try Rtnetlink(socket: socket).deleteAddress(IPAddress("10.9.0.1"), prefix: PrefixLength(24, family: .ipv4), from: InterfaceName("pbnic1"))
        },
    ]

    static let trafficControl: [NetlinkSessionCase] = [
        NetlinkSessionCase("addHTBRoot", requests: [
            getLink("pbnic1", sequence: 1),
            """
            48000000 2400 0506 02000000 00000000       // RTM_NEWQDISC
            00 00 0000 0c000000 00000100 ffffffff 00000000  // tcmsg: index 12, handle 1:0, parent TC_H_ROOT, info
            0800 0100 68746200                         // TCA_KIND "htb"
            1c00 0200                                  // TCA_OPTIONS
              1800 0200                                //   TCA_HTB_INIT: struct tc_htb_glob
                03000000 0a000000 01000000 00000000 00000000  // version 3, rate2quantum 10, defcls 1, debug, direct_pkts
            """,
        ]) { socket in
            try Rtnetlink(socket: socket).addHTBRoot(on: InterfaceName("pbnic1"))
        },
        NetlinkSessionCase("addHTBClass", requests: [
            getLink("pbnic1", sequence: 1),
            """
            60000000 2800 0506 02000000 00000000       // RTM_NEWTCLASS
            00 00 0000 0c000000 01000100 00000100 00000000  // handle 1:1, parent 1:0
            0800 0100 68746200                         // TCA_KIND "htb"
            3400 0200                                  // TCA_OPTIONS
              3000 0100                                //   TCA_HTB_PARMS: struct tc_htb_opt
                00 01 0000 ffff 0000 48e80100          //     rate: cell_log, linklayer ethernet, overhead, cell_align -1, mpu, 125000 B/s
                00 01 0000 ffff 0000 90d00300          //     ceil: 250000 B/s
                400d0300                               //     buffer: 1600 B at 125000 B/s = 12.8 ms = 200000 ticks of 64 ns
                a0860100                               //     cbuffer: 1600 B at 250000 B/s = 100000 ticks
                00000000 00000000 00000000             //     quantum (kernel's), level, prio
            """,
        ]) { socket in
            try Rtnetlink(socket: socket).addHTBClass(on: InterfaceName("pbnic1"), parent: TrafficControlHandle.make(1, 0),
                                                      classID: TrafficControlHandle.make(1, 1), rates: HTBRates(rate: 125_000, ceil: 250_000))
        },
        NetlinkSessionCase("addPacketFIFO", requests: [
            getLink("pbnic1", sequence: 1),
            """
            38000000 2400 0506 02000000 00000000       // RTM_NEWQDISC
            00 00 0000 0c000000 00000a00 01000100 00000000  // handle 10:0, parent 1:1
            0a00 0100 70666966 6f00 0000               // TCA_KIND "pfifo"
            0800 0200 64000000                         // TCA_OPTIONS: struct tc_fifo_qopt, limit 100
            """,
        ]) { socket in
            try Rtnetlink(socket: socket).addPacketFIFO(on: InterfaceName("pbnic1"), parent: TrafficControlHandle.make(1, 1),
                                                        handle: TrafficControlHandle.make(10, 0), limit: 100)
        },
        NetlinkSessionCase("rootQdiscKind", requests: [
            getLink("pbnic1", sequence: 1),
            """
            24000000 2600 0d00 02000000 00000000       // RTM_GETQDISC, REQUEST|ACK|ECHO
            00 00 0000 0c000000 00000000 ffffffff 00000000  // parent TC_H_ROOT
            """,
        ]) { socket in
            let kind = try Rtnetlink(socket: socket).qdiscKind(of: InterfaceName("pbnic1"), at: .root)
            #expect(kind == "htb")
        },
        NetlinkSessionCase("absentIngressQdiscKind", requests: [
            getLink("pbnic1", sequence: 1),
            """
            24000000 2600 0d00 02000000 00000000
            00 00 0000 0c000000 00000000 f1ffffff 00000000  // parent TC_H_INGRESS
            """,
        ]) { socket in
            let kind = try Rtnetlink(socket: socket).qdiscKind(of: InterfaceName("pbnic1"), at: .ingress)
            #expect(kind == nil)
        },
        NetlinkSessionCase("deleteRootQdisc", requests: [
            getLink("pbnic1", sequence: 1),
            """
            24000000 2500 0500 02000000 00000000       // RTM_DELQDISC
            00 00 0000 0c000000 00000000 ffffffff 00000000
            """,
        ]) { socket in
            try Rtnetlink(socket: socket).deleteQdisc(of: InterfaceName("pbnic1"), at: .root)
        },
        NetlinkSessionCase("deleteAbsentIngressQdisc", requests: [
            getLink("pbnic1", sequence: 1),
            """
            24000000 2500 0500 02000000 00000000
            00 00 0000 0c000000 0000ffff f1ffffff 00000000  // handle ffff:0, parent TC_H_INGRESS
            """,
        ]) { socket in
            try Rtnetlink(socket: socket).deleteQdisc(of: InterfaceName("pbnic1"), at: .ingress)
        },
    ]

    static let removals: [NetlinkSessionCase] = [
        NetlinkSessionCase("deleteLink", requests: ["""
            2c000000 1100 0500 01000000 00000000       // RTM_DELLINK
            00 00 0000 00000000 00000000 00000000
            0a00 0300 70627665 3000 0000               // IFLA_IFNAME "pbve0"
            """]) { socket in
            try Rtnetlink(socket: socket).deleteLink(InterfaceName("pbve0"))
        },
        NetlinkSessionCase("deleteGroup", requests: ["""
            28000000 1100 0500 01000000 00000000       // RTM_DELLINK by group
            00 00 0000 00000000 00000000 00000000
            0800 1b00 07000000                         // IFLA_GROUP 7 (pbbr0 and pbnic1)
            """]) { socket in
            let netlink = Rtnetlink(socket: socket)
            try netlink.deleteGroup(7)
        },
        NetlinkSessionCase("deleteEmptyGroup", requests: ["""
            28000000 1100 0500 01000000 00000000
            00 00 0000 00000000 00000000 00000000
            0800 1b00 07000000
            """]) { socket in
            try Rtnetlink(socket: socket).deleteGroup(7)
        },
    ]

    /// The dummy driver is not on every kernel; where it is missing the kernel refuses the kind
    /// (EOPNOTSUPP), and the request is still checked byte for byte.
    static let dummy: [NetlinkSessionCase] = [
        NetlinkSessionCase("createDummy", requests: ["""
            3c000000 1000 0506 01000000 00000000
            00 00 0000 00000000 00000000 00000000
            0b00 0300 70626475 6d30 00 00              // IFLA_IFNAME "pbdum0"
            1000 1200                                  // IFLA_LINKINFO
              0a00 0100 64756d6d 7900 0000             //   IFLA_INFO_KIND "dummy" (no IFLA_INFO_DATA)
            """]) { socket in
            let name = try InterfaceName("pbdum0")
            do throws(PatchbayError) {
                try Rtnetlink(socket: socket).createLink(name, kind: .dummy)
            } catch where error == .system("Unable to create dummy 'pbdum0'", errno: EOPNOTSUPP) {
                return
            }
        },
    ]

    static let nftables: [NetlinkSessionCase] = [
        NetlinkSessionCase("listTables", netlinkProtocol: NETLINK_NETFILTER, prepare: ["nft", "add", "table", "inet", "pbt"], requests: ["""
            14000000 010a 0103 01000000 00000000       // (NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_GETTABLE, REQUEST|DUMP
            00 00 0000                                 // nfgenmsg: NFPROTO_UNSPEC, NFNETLINK_V0, res_id 0
            """]) { socket in
            let tables = try Nftables(socket: socket).tables()
            #expect(tables == [NftablesTable(family: .inet, name: "pbt")])
        },
        NetlinkSessionCase("deleteTable", netlinkProtocol: NETLINK_NETFILTER, requests: ["""
            14000000 1000 0100 01000000 00000000 00 00 000a  // NFNL_MSG_BATCH_BEGIN, REQUEST, res_id NFNL_SUBSYS_NFTABLES (be16)
            1c000000 020a 0500 02000000 00000000       // NFT_MSG_DELTABLE, REQUEST|ACK, seq 2
            01 00 0000                                 // NFPROTO_INET
            0800 0100 70627400                         // NFTA_TABLE_NAME "pbt"
            14000000 1100 0100 03000000 00000000 00 00 000a  // NFNL_MSG_BATCH_END, seq 3
            """]) { socket in
            try Nftables(socket: socket).deleteTable("pbt")
        },
        NetlinkSessionCase("deleteAbsentTable", netlinkProtocol: NETLINK_NETFILTER, requests: ["""
            14000000 1000 0100 01000000 00000000 00 00 000a
            1c000000 020a 0500 02000000 00000000
            01 00 0000
            0800 0100 70627400
            14000000 1100 0100 03000000 00000000 00 00 000a
            """]) { socket in
            try Nftables(socket: socket).deleteTable("pbt")
        },
    ]
}
