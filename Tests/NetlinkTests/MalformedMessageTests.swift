import NetCore
import Netlink
import TestSupport
import Testing

/// Kernel answers are read only as far as the bytes received: a message, header or attribute cut
/// short, or a length that runs past what arrived, is a `NetlinkError`, never a read past the data
/// nor a silently shortened answer. Constants are the uapi numbers (linux/rtnetlink.h, if_link.h).
@Suite("Netlink: truncated and malformed input")
struct MalformedMessageTests {
    static let (rtmNewLink, rtmNewAddress, nlmsgDone): (UInt16, UInt16, UInt16) = (16, 20, 3)
    static let (iflaAddress, iflaName, iflaMTU, iflaLinkInfo, iflaInfoKind): (UInt16, UInt16, UInt16, UInt16, UInt16) = (1, 3, 4, 18, 1)

    /// An RTM_NEWLINK as the kernel sends it: ifinfomsg, then name, MTU, address and link info.
    static let link = NetlinkMessage(type: rtmNewLink, flags: 0, sequence: 42, header: InterfaceInfoHeader(index: 7, flags: 1), attributes: [
        .string(iflaName, "pbtest0"),
        .u32(iflaMTU, 1500),
        NetlinkAttribute(iflaAddress, bytes: [0x52, 0x54, 0x00, 0xAA, 0xBB, 0xCC]),
        NetlinkAttribute(iflaLinkInfo, nested: [.string(iflaInfoKind, "bridge")]),
    ])

    /// An RTM_NEWADDR for 192.0.2.1/24 (IFA_ADDRESS and IFA_LOCAL).
    static let address = NetlinkMessage(type: rtmNewAddress, flags: 0, sequence: 42,
                                        header: AddressHeader(family: 2, prefixLength: 24, index: 7),
                                        attributes: [NetlinkAttribute(1, bytes: [192, 0, 2, 1]), NetlinkAttribute(2, bytes: [192, 0, 2, 1])])

    /// The end of a dump.
    static let done = NetlinkMessage(type: nlmsgDone, flags: 0, sequence: 42, header: InterfaceInfoHeader())

    /// Where a body may end and still be whole: after the family header, or after any attribute
    /// (with or without its padding: a missing pad loses nothing).
    static func boundaries<H: RouteFamilyHeader>(_ message: NetlinkMessage<H>, headerSize: Int) -> Set<Int> {
        var ends: Set<Int> = [headerSize]
        var offset = headerSize
        for attribute in message.attributes {
            var writer = NetlinkWriter()
            attribute.encode(into: &writer)
            let unpadded = 4 + attribute.bytes.count
            ends.formUnion((offset + unpadded)...(offset + writer.bytes.count))
            offset += writer.bytes.count
        }
        return ends
    }

    @Test func wholeMessagesParse() throws {
        let parts = try NetlinkDatagram.split((Self.link.encoded() + Self.done.encoded())[...])
        #expect(parts.map(\.type) == [Self.rtmNewLink, Self.nlmsgDone])
        #expect(parts.map(\.sequence) == [42, 42])
        let info = try LinkInfo(body: try #require(parts.first).body)
        #expect(info.index == 7 && info.name == "pbtest0" && info.mtu == 1500 && info.kind == "bridge")
        #expect(info.mac == (try MACAddress("52:54:00:aa:bb:cc")))
        let address = try AddressInfo(body: Self.address.encoded()[16...])
        #expect(address.prefixLength == 24 && address.index == 7)
    }

    /// Every cut of a two-message datagram that is not between messages is refused.
    @Test func datagramCutAnywhereButBetweenMessagesIsRefused() throws {
        let first = Self.link.encoded()
        let datagram = first + Self.done.encoded()
        for cut in 0...datagram.count {
            let piece = datagram[0..<cut]
            if cut == 0 || cut == first.count || cut == datagram.count {
                let parts = try NetlinkDatagram.split(piece)
                #expect(parts.count == [0: 0, first.count: 1][cut, default: 2])
            } else {
                #expect(throws: NetlinkError.self, "datagram cut after \(cut) bytes") { try NetlinkDatagram.split(piece) }
            }
        }
    }

    @Test(arguments: [UInt32(0), UInt32(15), UInt32(1_017), UInt32.max])
    func messageLengthThatIsImpossibleIsRefused(length: UInt32) {
        var datagram = Self.link.encoded()
        withUnsafeBytes(of: length) { for (index, byte) in $0.enumerated() { datagram[index] = byte } }
        #expect(throws: NetlinkError.self) { try NetlinkDatagram.split(datagram[...]) }
    }

    /// A body cut inside its family header or inside any attribute is refused; cut between
    /// attributes it parses (a shorter but whole message).
    @Test func linkBodyCutInsideHeaderOrAttributeIsRefused() throws {
        let body = Self.link.encoded()[16...]
        let whole = Self.boundaries(Self.link, headerSize: 16)
        for cut in 0...body.count {
            let piece = body.prefix(cut)
            if whole.contains(cut) {
                #expect(throws: Never.self, "body cut after \(cut) bytes") { _ = try LinkInfo(body: piece) }
            } else {
                #expect(throws: NetlinkError.self, "body cut after \(cut) bytes") { try LinkInfo(body: piece) }
            }
        }
    }

    @Test func addressBodyCutInsideHeaderOrAttributeIsRefused() throws {
        let body = Self.address.encoded()[16...]
        let whole = Self.boundaries(Self.address, headerSize: 8)
        for cut in 0..<body.count where !whole.contains(cut) {
            #expect(throws: NetlinkError.self, "body cut after \(cut) bytes") { try AddressInfo(body: body.prefix(cut)) }
        }
    }

    /// nla_len values a well-behaved kernel never sends: shorter than the attribute header (which
    /// would loop forever or read the header as payload), or running past the message.
    @Test(arguments: [UInt16(0), UInt16(1), UInt16(3), UInt16(13), UInt16(200), UInt16.max])
    func attributeLengthThatIsImpossibleIsRefused(length: UInt16) throws {
        var body = Array(Self.link.encoded()[16...])
        // The first attribute (IFLA_IFNAME, 12 bytes padded) follows the 16-byte ifinfomsg.
        withUnsafeBytes(of: length) { for (index, byte) in $0.enumerated() { body[16 + index] = byte } }
        #expect(throws: NetlinkError.self) { try LinkInfo(body: body[...]) }
        #expect(throws: NetlinkError.self) { try NetlinkAttribute.firstPayload(Self.iflaMTU, in: body[16...]) }
    }

    @Test func nestedAttributeRunningPastItsParentIsRefused() throws {
        // IFLA_LINKINFO whose only child claims more bytes than the parent holds.
        let child: [UInt8] = [40, 0, 1, 0] + Array("bridge".utf8) + [0, 0]
        let body = Array(Self.link.encoded()[16..<32]) + [UInt8(4 + child.count), 0, UInt8(Self.iflaLinkInfo), 0] + child
        #expect(throws: NetlinkError.self) { try LinkInfo(body: body[...]) }
    }

    @Test func integerAttributeShorterThanItsTypeReadsAsAbsent() {
        #expect(NetlinkAttribute(Self.iflaMTU, bytes: [0xDC, 0x05]).integer(UInt32.self) == nil)
        #expect(NetlinkAttribute(Self.iflaMTU, bytes: [0xDC, 0x05, 0, 0]).integer(UInt32.self) == 1500)
    }

    /// Random damage to a valid datagram: every outcome is a parse or a `NetlinkError`, never a trap.
    @Test func randomlyDamagedDatagramsNeverTrap() throws {
        var generator = SplitMix64(seed: 9)
        let original = Self.link.encoded() + Self.address.encoded() + Self.done.encoded()
        var parsed = 0
        for _ in 0..<3_000 {
            var damaged = original
            for _ in 0...generator.below(4) { damaged[generator.below(damaged.count)] = UInt8(truncatingIfNeeded: generator.next()) }
            let cut = generator.chance(1, in: 4) ? generator.below(damaged.count) : damaged.count
            guard let parts = try? NetlinkDatagram.split(damaged[0..<cut]) else { continue }
            for part in parts {
                if (try? LinkInfo(body: part.body)) != nil { parsed += 1 }
                _ = try? AddressInfo(body: part.body)
            }
        }
        #expect(parsed > 0, "some damage leaves a readable link message")
    }
}
