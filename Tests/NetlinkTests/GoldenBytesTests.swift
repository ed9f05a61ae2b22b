import NetCore
import Netlink
import Testing

/// Wire images written out by hand from the kernel's struct layouts (linux/netlink.h, rtnetlink.h,
/// if_link.h), so the encoder is checked against an independent reading of the ABI.
@Suite("Netlink golden bytes")
struct GoldenBytesTests {
    @Test func createBridge() throws {
        var message = Rtnetlink.createLinkMessage(try InterfaceName("br0"), kind: .bridge(BridgeOptions(stp: true, forwardDelay: 0)))
        message.sequence = 1
        let expected: [UInt8] = [
            76, 0, 0, 0, /* nlmsg_len */ 16, 0, /* RTM_NEWLINK */ 0x00, 0x06, /* CREATE|EXCL (REQUEST|ACK added on send) */
            1, 0, 0, 0, /* seq */ 0, 0, 0, 0, /* pid */
            0, 0, 0, 0, /* ifi_family, pad, ifi_type */ 0, 0, 0, 0, /* ifi_index */ 0, 0, 0, 0, /* flags */ 0, 0, 0, 0, /* change */
            8, 0, 3, 0, 0x62, 0x72, 0x30, 0, /* IFLA_IFNAME "br0" */
            36, 0, 18, 0, /* IFLA_LINKINFO */
            11, 0, 1, 0, 0x62, 0x72, 0x69, 0x64, 0x67, 0x65, 0, 0, /* IFLA_INFO_KIND "bridge" + pad */
            20, 0, 2, 0, /* IFLA_INFO_DATA */
            8, 0, 5, 0, 1, 0, 0, 0, /* IFLA_BR_STP_STATE 1 */
            8, 0, 1, 0, 0, 0, 0, 0, /* IFLA_BR_FORWARD_DELAY 0 */
        ]
        #expect(message.encoded() == expected)
    }

    @Test func macvlanOnLowerDevice() throws {
        var message = Rtnetlink.createLinkMessage(try InterfaceName("mv0"), kind: .macvlan(lowerIndex: 7, mode: .vepa),
                                                  mac: try MACAddress("52:54:00:aa:bb:cc"))
        message.sequence = 9
        let expected: [UInt8] = [
            88, 0, 0, 0, 16, 0, 0x00, 0x06, 9, 0, 0, 0, 0, 0, 0, 0,
            0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
            8, 0, 3, 0, 0x6d, 0x76, 0x30, 0, /* IFLA_IFNAME "mv0" */
            8, 0, 5, 0, 7, 0, 0, 0, /* IFLA_LINK 7 */
            10, 0, 1, 0, 0x52, 0x54, 0x00, 0xaa, 0xbb, 0xcc, 0, 0, /* IFLA_ADDRESS + pad */
            28, 0, 18, 0, /* IFLA_LINKINFO */
            12, 0, 1, 0, 0x6d, 0x61, 0x63, 0x76, 0x6c, 0x61, 0x6e, 0, /* "macvlan" */
            12, 0, 2, 0, 8, 0, 1, 0, 2, 0, 0, 0, /* IFLA_INFO_DATA { IFLA_MACVLAN_MODE VEPA } */
        ]
        #expect(message.encoded() == expected)
    }

    @Test func vethCarriesPeerInfoHeader() throws {
        let message = Rtnetlink.createLinkMessage(try InterfaceName("a"), kind: .veth(peer: try InterfaceName("b")))
        let bytes = message.encoded()
        // IFLA_INFO_DATA { VETH_INFO_PEER { ifinfomsg(16 zero bytes), IFLA_IFNAME "b" } }
        let tail: [UInt8] = [
            32, 0, 2, 0, 28, 0, 1, 0,
            0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
            6, 0, 3, 0, 0x62, 0, 0, 0,
        ]
        #expect(Array(bytes.suffix(tail.count)) == tail)
        #expect(bytes.count % 4 == 0)
        #expect(Int(bytes[0]) | Int(bytes[1]) << 8 == bytes.count)
    }

    @Test func setLinkUpAndMaster() throws {
        var message = Rtnetlink.setLinkMessage(try InterfaceName("tap0"), up: true, masterIndex: 3)
        message.sequence = 2
        let expected: [UInt8] = [
            52, 0, 0, 0, 16, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0,
            0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, /* flags IFF_UP, change IFF_UP */
            9, 0, 3, 0, 0x74, 0x61, 0x70, 0x30, 0, 0, 0, 0, /* IFLA_IFNAME "tap0" + pad */
            8, 0, 10, 0, 3, 0, 0, 0, /* IFLA_MASTER 3 */
        ]
        #expect(message.encoded() == expected)
    }

    @Test func parsesWhatItWrites() throws {
        let attributes: [NetlinkAttribute] = [
            .string(3, "eth0"), .u32(4, 1500),
            NetlinkAttribute(18, nested: [.string(1, "veth"), NetlinkAttribute(2, nested: [.u8(9, 1)])]),
        ]
        var writer = NetlinkWriter()
        for attribute in attributes { attribute.encode(into: &writer) }
        let parsed = try NetlinkAttribute.parseAll(writer.bytes[...])
        #expect(parsed.count == 3)
        #expect(parsed.first(3)?.stringValue == "eth0")
        #expect(parsed.first(4)?.integer(UInt32.self) == 1500)
        let info = try #require(try parsed.first(18)?.nestedAttributes())
        #expect(info.first(1)?.stringValue == "veth")
        #expect(try info.first(2)?.nestedAttributes().first(9)?.integer(UInt8.self) == 1)
    }

    @Test(arguments: [[8, 0, 1, 0, 1], [3, 0, 1, 0], [200, 0, 1, 0, 1, 2, 3, 4]] as [[UInt8]])
    func truncatedAttributesAreErrors(bytes: [UInt8]) {
        #expect(throws: NetlinkError.self) { try NetlinkAttribute.parseAll(bytes[...]) }
    }
}

@Suite("HTB over netlink: golden bytes")
struct HTBGoldenBytesTests {
    @Test func classOptions() {
        // 1 MiB/s rate, 2 MiB/s ceil, 64 KiB bursts: buffer = 65536 B / 1048576 B/s = 62.5 ms = 976562 ticks of 64 ns.
        let attributes = Rtnetlink.htbClassOptions(HTBRates(rate: 1_048_576, ceil: 2_097_152, burst: 65536, cburst: 65536))
        var writer = NetlinkWriter()
        for attribute in attributes { attribute.encode(into: &writer) }
        let expected: [UInt8] = [
            48, 0, 1, 0,                                         // TCA_HTB_PARMS, 44 bytes of struct tc_htb_opt
            0, 1, 0, 0, 0xFF, 0xFF, 0, 0, 0x00, 0x00, 0x10, 0x00, // rate: cell_log 0, linklayer ethernet, overhead 0, cell_align -1, mpu 0, 1048576
            0, 1, 0, 0, 0xFF, 0xFF, 0, 0, 0x00, 0x00, 0x20, 0x00, // ceil: 2097152
            0xB2, 0xE6, 0x0E, 0x00,                              // buffer 976562 ticks
            0x59, 0x73, 0x07, 0x00,                              // cbuffer 488281 ticks (same bytes at twice the rate)
            0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,                  // quantum, level, prio
        ]
        #expect(writer.bytes == expected)
    }

    @Test func ticksAreSixtyFourNanoseconds() {
        #expect(Rtnetlink.ticks(bytes: 1000, at: 1_000_000) == 15625)
        #expect(Rtnetlink.ticks(bytes: 1, at: 0) == UInt32.max)
    }
}
