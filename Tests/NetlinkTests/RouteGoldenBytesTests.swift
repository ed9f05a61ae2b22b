import NetCore
import Netlink
import Testing

/// Route requests written out by hand from linux/rtnetlink.h (`struct rtmsg`, RTA_*), so the
/// encoder, and the metric as RTA_PRIORITY in particular, is checked against an independent
/// reading of the ABI.
@Suite("Netlink golden bytes: routes")
struct RouteGoldenBytesTests {
    @Test func ipv4RouteViaGatewayWithMetric() throws {
        var message = Rtnetlink.routeMessage(add: true, to: try IPAddress("10.99.0.7"), prefix: try PrefixLength(24, family: .ipv4),
                                             via: try IPAddress("10.211.0.2"), outputIndex: 5, metric: 7)
        message.sequence = 3
        let expected: [UInt8] = [
            60, 0, 0, 0, /* nlmsg_len */ 24, 0, /* RTM_NEWROUTE */ 0x00, 0x06, /* CREATE|EXCL */
            3, 0, 0, 0, /* seq */ 0, 0, 0, 0, /* pid */
            2, /* AF_INET */ 24, /* rtm_dst_len */ 0, /* src_len */ 0, /* tos */
            254, /* RT_TABLE_MAIN */ 4, /* RTPROT_STATIC */ 0, /* RT_SCOPE_UNIVERSE */ 1, /* RTN_UNICAST */
            0, 0, 0, 0, /* rtm_flags */
            8, 0, 1, 0, 10, 99, 0, 0, /* RTA_DST, masked to the prefix */
            8, 0, 5, 0, 10, 211, 0, 2, /* RTA_GATEWAY */
            8, 0, 4, 0, 5, 0, 0, 0, /* RTA_OIF 5 */
            8, 0, 6, 0, 7, 0, 0, 0, /* RTA_PRIORITY 7 */
        ]
        #expect(message.encoded() == expected)
    }

    @Test func ipv6OnLinkRouteWithMetric() throws {
        var message = Rtnetlink.routeMessage(add: true, to: try IPAddress("fd00:99::"), prefix: try PrefixLength(64, family: .ipv6),
                                             via: nil, outputIndex: 2, metric: 300)
        message.sequence = 1
        let expected: [UInt8] = [
            64, 0, 0, 0, 24, 0, 0x00, 0x06, 1, 0, 0, 0, 0, 0, 0, 0,
            10, /* AF_INET6 */ 64, 0, 0, 254, 4, 253, /* RT_SCOPE_LINK */ 1, 0, 0, 0, 0,
            20, 0, 1, 0, 0xfd, 0x00, 0x00, 0x99, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* RTA_DST */
            8, 0, 4, 0, 2, 0, 0, 0, /* RTA_OIF 2 */
            8, 0, 6, 0, 0x2c, 0x01, 0, 0, /* RTA_PRIORITY 300 */
        ]
        #expect(message.encoded() == expected)
    }

    @Test func noMetricNoPriorityAttributeAndDeleteHasNoCreateFlags() throws {
        var message = Rtnetlink.routeMessage(add: false, to: try IPAddress("10.98.0.0"), prefix: try PrefixLength(16, family: .ipv4),
                                             via: nil, outputIndex: 9, metric: nil)
        message.sequence = 2
        let expected: [UInt8] = [
            44, 0, 0, 0, 25, 0, /* RTM_DELROUTE */ 0, 0, 2, 0, 0, 0, 0, 0, 0, 0,
            2, 16, 0, 0, 254, 4, 253, 1, 0, 0, 0, 0,
            8, 0, 1, 0, 10, 98, 0, 0,
            8, 0, 4, 0, 9, 0, 0, 0,
        ]
        #expect(message.encoded() == expected)
    }
}
