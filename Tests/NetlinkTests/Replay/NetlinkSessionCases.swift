import CLinuxUAPI
import Glibc
import NetCore
import Netlink
import Testing

/// One thing the Netlink module asks the kernel, with the datagrams it must send, written out by
/// hand from the uapi headers (linux/netlink.h, rtnetlink.h, if_link.h, if_addr.h, pkt_sched.h,
/// netfilter/nfnetlink.h, netfilter/nf_tables.h), and what it must make of the kernel's answers.
///
/// The cases form one session in one namespace, in order (each builds on what the earlier ones
/// made: lo is index 1, pbbr0 2, pblow1/pblow0 3/4 (a veth registers its peer first), pbve1/pbve0
/// 5/6, pbmv0 7, pbmvt0 8, pbifb0 9, pbvx0 10, pbnic2/pbnic1 11/12). veth ends stand in for NICs:
/// the dummy driver is not on every kernel (it is last, so the indexes above hold either way). `NetlinkKernelSessionTests` runs the session against the kernel and checks that it
/// accepts every request exactly as written here; its answers, recorded once, are the fixtures
/// `NetlinkReplayTests` replays without root. Every case's socket numbers its requests from 1.
///
/// nlmsghdr flags used below: REQUEST 0x1, ACK 0x4, ECHO 0x8, EXCL 0x200, CREATE 0x400,
/// DUMP 0x300; so 0x0605 creates, 0x0005 changes/deletes/asks, 0x0301 dumps, 0x000d echoes.
struct NetlinkSessionCase: Sendable, CustomTestStringConvertible {
    /// The fixture's key.
    let name: String
    /// NETLINK_ROUTE or NETLINK_NETFILTER.
    let netlinkProtocol: Int32
    /// Setup in the namespace done other than through this module (kernel run only).
    let prepare: [String]
    /// The datagrams sent, in order.
    let requests: [String]
    /// The operation, and checks of what it returned.
    let run: @Sendable (NetlinkSocket) throws -> Void

    init(_ name: String, netlinkProtocol: Int32 = NETLINK_ROUTE, prepare: [String] = [], requests: [String],
         run: @escaping @Sendable (NetlinkSocket) throws -> Void) {
        self.name = name
        self.netlinkProtocol = netlinkProtocol
        self.prepare = prepare
        self.requests = requests
        self.run = run
    }

    var testDescription: String { name }

    /// The namespace descriptor number the netns case moves a link with (the kernel run puts a
    /// descriptor of the session's own namespace there, so the move is accepted and changes nothing).
    static let namespaceFD: Int32 = 777

    /// `IFLA_IFNAME` attributes of the session's names (name, NUL, padding to 4).
    static let ifname = [
        "pbbr0": "0a00 0300 70626272 3000 0000",
        "pbnic1": "0b00 0300 70626e69 6331 0000",
        "pbve0": "0a00 0300 70627665 3000 0000",
        "nosuch0": "0c00 0300 6e6f7375 63683000",
    ]

    /// RTM_GETLINK for one name: what every operation on a named link sends first (44 bytes).
    static func getLink(_ name: String, sequence: UInt8) -> String {
        let seq = String(sequence, radix: 16)
        return """
        2c000000 1200 0500 \(seq.count == 1 ? "0" : "")\(seq)000000 00000000  // nlmsghdr: RTM_GETLINK, REQUEST|ACK
        00 00 0000 00000000 00000000 00000000                                  // ifinfomsg: selected by name
        \(ifname[name] ?? "")
        """
    }

    static let all: [NetlinkSessionCase] = links + changes + addresses + routes + trafficControl + removals + dummy + nftables
}

extension NetlinkSessionCase {
    static let links: [NetlinkSessionCase] = [
        NetlinkSessionCase("createBridge", requests: ["""
            74000000 1000 0506 01000000 00000000       // 116 bytes, RTM_NEWLINK, REQUEST|ACK|EXCL|CREATE, seq 1, pid 0
            00 00 0000 00000000 00000000 00000000      // ifinfomsg: AF_UNSPEC, type, index 0, flags, change
            0a00 0300 70626272 3000 0000               // IFLA_IFNAME "pbbr0"
            0800 1b00 07000000                         // IFLA_GROUP 7 (right after the name)
            0800 0400 78050000                         // IFLA_MTU 1400
            0a00 0100 525400000001 0000                // IFLA_ADDRESS 52:54:00:00:00:01
            2c00 1200                                  // IFLA_LINKINFO
              0b00 0100 62726964 676500 00             //   IFLA_INFO_KIND "bridge"
              1c00 0200                                //   IFLA_INFO_DATA
                0800 0500 00000000                     //     IFLA_BR_STP_STATE 0
                0800 0100 c8000000                     //     IFLA_BR_FORWARD_DELAY 2 s = 200 USER_HZ
                0800 0400 30750000                     //     IFLA_BR_AGEING_TIME 300 s = 30000
            """]) { socket in
            try Rtnetlink(socket: socket).createLink(InterfaceName("pbbr0"),
                                                    kind: .bridge(BridgeOptions(stp: false, forwardDelay: 2, ageingTime: 300)),
                                                    mtu: 1400, mac: MACAddress("52:54:00:00:00:01"), group: 7)
        },
        NetlinkSessionCase("createLowerVeth", requests: ["""
            60000000 1000 0506 01000000 00000000       // 96 bytes
            00 00 0000 00000000 00000000 00000000
            0b00 0300 70626c6f 7730 0000               // IFLA_IFNAME "pblow0"
            3400 1200                                  // IFLA_LINKINFO
              0900 0100 76657468 00 000000             //   IFLA_INFO_KIND "veth"
              2400 0200                                //   IFLA_INFO_DATA
                2000 0100                              //     VETH_INFO_PEER
                  00 00 0000 00000000 00000000 00000000
                  0b00 0300 70626c6f 7731 0000         //       IFLA_IFNAME "pblow1"
            """]) { socket in
            try Rtnetlink(socket: socket).createLink(InterfaceName("pblow0"), kind: .veth(peer: InterfaceName("pblow1")))
        },
        NetlinkSessionCase("dumpLinks", requests: [
            """
            20000000 1200 0103 01000000 00000000       // RTM_GETLINK, REQUEST|DUMP (no ACK: NLMSG_DONE ends it)
            00 00 0000 00000000 00000000 00000000
            """,
            """
            20000000 1200 0103 02000000 00000000       // the same dump for links(), seq 2
            00 00 0000 00000000 00000000 00000000
            """,
        ]) { socket in
            let netlink = Rtnetlink(socket: socket)
            let summaries = try netlink.linkSummaries()
            #expect(summaries == [
                LinkSummary(name: "lo", group: 0, kind: nil),
                LinkSummary(name: "pbbr0", group: 7, kind: "bridge"),
                LinkSummary(name: "pblow1", group: 0, kind: "veth"),
                LinkSummary(name: "pblow0", group: 0, kind: "veth"),
            ])
            let links = try netlink.links()
            #expect(links.map(\.name) == ["lo", "pbbr0", "pblow1", "pblow0"])
            #expect(links.map(\.index) == [1, 2, 3, 4])
            #expect(links[3].lowerIndex == 3, "a veth names its peer as IFLA_LINK")
            #expect(links[1].mtu == 1400 && links[1].mac == (try? MACAddress("52:54:00:00:00:01")) && links[1].kind == "bridge")
            #expect(links.map(\.isUp) == [false, false, false, false])
        },
        NetlinkSessionCase("createVeth", requests: ["""
            68000000 1000 0506 01000000 00000000       // 104 bytes
            00 00 0000 00000000 00000000 00000000
            0a00 0300 70627665 3000 0000               // IFLA_IFNAME "pbve0"
            0800 0a00 02000000                         // IFLA_MASTER 2 (pbbr0)
            3400 1200                                  // IFLA_LINKINFO
              0900 0100 76657468 00 000000             //   IFLA_INFO_KIND "veth"
              2400 0200                                //   IFLA_INFO_DATA
                2000 0100                              //     VETH_INFO_PEER: an ifinfomsg, then the peer's attributes
                  00 00 0000 00000000 00000000 00000000
                  0a00 0300 70627665 3100 0000         //       IFLA_IFNAME "pbve1"
            """]) { socket in
            try Rtnetlink(socket: socket).createLink(InterfaceName("pbve0"), kind: .veth(peer: InterfaceName("pbve1")), masterIndex: 2)
        },
        NetlinkSessionCase("createMacvlan", requests: ["""
            50000000 1000 0506 01000000 00000000       // 80 bytes
            00 00 0000 00000000 00000000 00000000
            0a00 0300 70626d76 3000 0000               // IFLA_IFNAME "pbmv0"
            0800 0500 03000000                         // IFLA_LINK 3 (pblow1, the lower device)
            1c00 1200                                  // IFLA_LINKINFO
              0c00 0100 6d616376 6c616e00              //   IFLA_INFO_KIND "macvlan"
              0c00 0200 0800 0100 04000000             //   IFLA_INFO_DATA { IFLA_MACVLAN_MODE MACVLAN_MODE_BRIDGE (4) }
            """]) { socket in
            try Rtnetlink(socket: socket).createLink(InterfaceName("pbmv0"), kind: .macvlan(lowerIndex: 3, mode: .bridge))
        },
        NetlinkSessionCase("createMacvtap", requests: ["""
            50000000 1000 0506 01000000 00000000
            00 00 0000 00000000 00000000 00000000
            0b00 0300 70626d76 7430 0000               // IFLA_IFNAME "pbmvt0"
            0800 0500 03000000                         // IFLA_LINK 3
            1c00 1200
              0c00 0100 6d616376 74617000              //   IFLA_INFO_KIND "macvtap"
              0c00 0200 0800 0100 01000000             //   IFLA_MACVLAN_MODE MACVLAN_MODE_PRIVATE (1)
            """]) { socket in
            try Rtnetlink(socket: socket).createLink(InterfaceName("pbmvt0"), kind: .macvtap(lowerIndex: 3, mode: .private))
        },
        NetlinkSessionCase("createIFB", requests: ["""
            38000000 1000 0506 01000000 00000000       // 56 bytes
            00 00 0000 00000000 00000000 00000000
            0b00 0300 70626966 6230 0000               // IFLA_IFNAME "pbifb0"
            0c00 1200 0800 0100 69666200               // IFLA_LINKINFO { IFLA_INFO_KIND "ifb" }
            """]) { socket in
            try Rtnetlink(socket: socket).createLink(InterfaceName("pbifb0"), kind: .ifb)
        },
        NetlinkSessionCase("createVXLAN", requests: ["""
            68000000 1000 0506 01000000 00000000       // 104 bytes
            00 00 0000 00000000 00000000 00000000
            0a00 0300 70627678 3000 0000               // IFLA_IFNAME "pbvx0"
            3c00 1200                                  // IFLA_LINKINFO
              0a00 0100 7678 6c61 6e00 0000            //   IFLA_INFO_KIND "vxlan"
              2c00 0200                                //   IFLA_INFO_DATA
                0800 0100 2a000000                     //     IFLA_VXLAN_ID 42
                0800 0200 0a000002                     //     IFLA_VXLAN_GROUP 10.0.0.2 (the unicast remote)
                0800 0400 0a000001                     //     IFLA_VXLAN_LOCAL 10.0.0.1
                0800 0300 03000000                     //     IFLA_VXLAN_LINK 3
                0600 0f00 12b5 0000                    //     IFLA_VXLAN_PORT 4789, big-endian (NLA_BE16)
            """]) { socket in
            try Rtnetlink(socket: socket).createLink(InterfaceName("pbvx0"), kind: .vxlan(VXLANOptions(
                id: 42, remote: IPAddress("10.0.0.2"), local: IPAddress("10.0.0.1"), underlyingIndex: 3)))
        },
        NetlinkSessionCase("createNICVeth", requests: ["""
            60000000 1000 0506 01000000 00000000
            00 00 0000 00000000 00000000 00000000
            0b00 0300 70626e69 6331 0000               // IFLA_IFNAME "pbnic1"
            3400 1200
              0900 0100 76657468 00 000000
              2400 0200 2000 0100
                  00 00 0000 00000000 00000000 00000000
                  0b00 0300 70626e69 6332 0000         //       peer IFLA_IFNAME "pbnic2"
            """]) { socket in
            try Rtnetlink(socket: socket).createLink(InterfaceName("pbnic1"), kind: .veth(peer: InterfaceName("pbnic2")))
        },
        NetlinkSessionCase("createExistingFails", requests: ["""
            38000000 1000 0506 01000000 00000000
            00 00 0000 00000000 00000000 00000000
            0b00 0300 70626e69 6331 0000               // IFLA_IFNAME "pbnic1", which exists
            0c00 1200 0800 0100 69666200               // IFLA_LINKINFO { IFLA_INFO_KIND "ifb" }
            """]) { socket in
            #expect(throws: PatchbayError.system("Unable to create ifb 'pbnic1'", errno: EEXIST)) {
                try Rtnetlink(socket: socket).createLink(InterfaceName("pbnic1"), kind: .ifb)
            }
        },
    ]

    static let changes: [NetlinkSessionCase] = [
        NetlinkSessionCase("setLinkDown", requests: ["""
            2c000000 1000 0500 01000000 00000000       // RTM_NEWLINK without CREATE: change a link
            00 00 0000 00000000 00000000 01000000      // ifi_flags 0, ifi_change IFF_UP
            0b00 0300 70626e69 6331 0000              // IFLA_IFNAME "pbnic1"
            """]) { socket in
            try Rtnetlink(socket: socket).setLink(InterfaceName("pbnic1"), up: false)
        },
        NetlinkSessionCase("disableAddressGeneration", requests: ["""
            3c000000 1000 0500 01000000 00000000
            00 00 0000 00000000 00000000 00000000
            0b00 0300 70626e69 6331 0000
            1000 1a00                                  // IFLA_AF_SPEC
              0c00 0a00                                //   AF_INET6
                0500 0800 01 000000                    //     IFLA_INET6_ADDR_GEN_MODE IN6_ADDR_GEN_MODE_NONE
            """]) { socket in
            try Rtnetlink(socket: socket).disableAddressGeneration(InterfaceName("pbnic1"))
        },
        NetlinkSessionCase("setLinkUp", requests: ["""
            2c000000 1000 0500 01000000 00000000
            00 00 0000 00000000 01000000 01000000      // ifi_flags IFF_UP, ifi_change IFF_UP
            0b00 0300 70626e69 6331 0000
            """]) { socket in
            try Rtnetlink(socket: socket).setLink(InterfaceName("pbnic1"), up: true)
        },
        NetlinkSessionCase("setMTU", requests: ["""
            34000000 1000 0500 01000000 00000000
            00 00 0000 00000000 00000000 00000000
            0b00 0300 70626e69 6331 0000
            0800 0400 aa050000                         // IFLA_MTU 1450
            """]) { socket in
            try Rtnetlink(socket: socket).setLink(InterfaceName("pbnic1"), mtu: 1450)
        },
        NetlinkSessionCase("setMAC", requests: ["""
            38000000 1000 0500 01000000 00000000
            00 00 0000 00000000 00000000 00000000
            0b00 0300 70626e69 6331 0000
            0a00 0100 525400000002 0000                // IFLA_ADDRESS 52:54:00:00:00:02
            """]) { socket in
            try Rtnetlink(socket: socket).setLink(InterfaceName("pbnic1"), mac: MACAddress("52:54:00:00:00:02"))
        },
        NetlinkSessionCase("setGroup", requests: ["""
            34000000 1000 0500 01000000 00000000
            00 00 0000 00000000 00000000 00000000
            0b00 0300 70626e69 6331 0000
            0800 1b00 07000000                         // IFLA_GROUP 7
            """]) { socket in
            try Rtnetlink(socket: socket).setLink(InterfaceName("pbnic1"), group: 7)
        },
        NetlinkSessionCase("attachToBridge", requests: [
            getLink("pbbr0", sequence: 1),
            """
            34000000 1000 0500 02000000 00000000
            00 00 0000 00000000 00000000 00000000
            0b00 0300 70626e69 6331 0000
            0800 0a00 02000000                         // IFLA_MASTER 2, the index the lookup answered
            """,
        ]) { socket in
            try Rtnetlink(socket: socket).attach(InterfaceName("pbnic1"), to: InterfaceName("pbbr0"))
        },
        NetlinkSessionCase("detach", requests: ["""
            34000000 1000 0500 01000000 00000000
            00 00 0000 00000000 00000000 00000000
            0b00 0300 70626e69 6331 0000
            0800 0a00 00000000                         // IFLA_MASTER 0: no master
            """]) { socket in
            try Rtnetlink(socket: socket).detach(InterfaceName("pbnic1"))
        },
        NetlinkSessionCase("setNamespace", requests: ["""
            34000000 1000 0500 01000000 00000000
            00 00 0000 00000000 00000000 00000000
            0b00 0300 70626e69 6331 0000
            0800 1c00 09030000                         // IFLA_NET_NS_FD 777
            """]) { socket in
            try Rtnetlink(socket: socket).setLink(InterfaceName("pbnic1"), namespaceFD: namespaceFD)
        },
        NetlinkSessionCase("lookupLink", requests: [getLink("pbnic1", sequence: 1)]) { socket in
            let link = try #require(try Rtnetlink(socket: socket).link(named: InterfaceName("pbnic1")))
            #expect(link.index == 12 && link.name == "pbnic1" && link.kind == "veth")
            #expect(link.mtu == 1450 && link.mac == (try? MACAddress("52:54:00:00:00:02")) && link.group == 7)
            #expect(link.isUp && link.masterIndex == nil)
        },
        NetlinkSessionCase("lookupMissingLink", requests: [getLink("nosuch0", sequence: 1)]) { socket in
            let link = try Rtnetlink(socket: socket).link(named: InterfaceName("nosuch0"))
            #expect(link == nil, "ENODEV is no link")
        },
    ]
}
