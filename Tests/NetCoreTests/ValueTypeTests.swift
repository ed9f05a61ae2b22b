import NetCore
import Testing

@Suite("MAC addresses")
struct MACAddressTests {
    @Test(arguments: [
        ("52:54:00:E6:A2:C9", "52:54:00:e6:a2:c9"),
        ("00:16:3e:77:e2:ed", "00:16:3e:77:e2:ed"),
        ("52-54-00-0a-0b-0c", "52:54:00:0a:0b:0c"),
        ("2:4:6:8:a:c", "02:04:06:08:0a:0c"),
    ])
    func parsesAndPrintsLowerCase(input: String, printed: String) throws {
        #expect(try MACAddress(input).description == printed)
    }

    @Test(arguments: ["", "zz:54:00:00:00:01", "52:54:00:00:00", "52:54:00:00:00:01:02", "52:54:00:00:00:ZZ",
                      "525400000001", "52::54:00:00:00", "52:54:00:00:00:001", " 52:54:00:00:00:01", "５2:54:00:00:00:01"])
    func refusesMalformed(input: String) {
        #expect(throws: PatchbayError.internalError("Unable to parse MAC '\(input)'")) { try MACAddress(input) }
    }

    @Test func multicastBit() throws {
        #expect(try MACAddress("01:54:00:00:00:01").isMulticast)
        #expect(try !MACAddress("52:54:00:00:00:01").isMulticast)
    }

    @Test func octetCountChecked() {
        #expect(throws: PatchbayError.self) { try MACAddress(octets: [1, 2, 3]) }
    }
}

@Suite("IP addresses and prefixes")
struct IPAddressTests {
    @Test(arguments: [
        ("192.168.122.1", IPFamily.ipv4, "192.168.122.1"),
        ("2001:db8:ac10:fe01::1", .ipv6, "2001:db8:ac10:fe01::1"),
        ("2001:DB8:0:0:0:0:0:1", .ipv6, "2001:db8::1"),
        ("::", .ipv6, "::"),
        ("::ffff:10.0.0.1", .ipv6, "::ffff:10.0.0.1"),
    ])
    func canonicalForm(input: String, family: IPFamily, printed: String) throws {
        let address = try IPAddress(input)
        #expect(address.family == family)
        #expect(address.description == printed)
    }

    @Test(arguments: ["", "300.1.1.1", "1.2.3", "1.2.3.4.5", "example.com", "2001:db8:::1", "1.2.3.4/24",
                      "0x7f.0.0.1", " 1.2.3.4", "1.2.3.4\u{0}", String(repeating: "1", count: 200)])
    func refusesMalformed(input: String) {
        #expect(throws: PatchbayError.self) { try IPAddress(input) }
    }

    @Test func familyMismatchNamed() {
        #expect(throws: PatchbayError.xml("'10.0.0.1' is not an IPv6 address")) { try IPAddress("10.0.0.1", family: .ipv6) }
    }

    @Test(arguments: [("255.255.255.0", 24), ("255.255.0.0", 16), ("0.0.0.0", 0), ("255.255.255.255", 32), ("255.255.255.252", 30)])
    func netmaskToPrefix(mask: String, bits: Int) throws {
        let prefix = try PrefixLength(netmask: IPAddress(mask))
        #expect(prefix.value == bits)
        #expect(prefix.ipv4Netmask?.description == mask)
    }

    @Test(arguments: ["255.0.255.0", "255.255.255.1", "0.255.255.255"])
    func refusesNonContiguousNetmask(mask: String) throws {
        let address = try IPAddress(mask)
        #expect(throws: PatchbayError.self) { try PrefixLength(netmask: address) }
    }

    @Test(arguments: [(-1, IPFamily.ipv4), (33, .ipv4), (129, .ipv6)])
    func refusesOutOfRangePrefix(bits: Int, family: IPFamily) {
        #expect(throws: PatchbayError.self) { try PrefixLength(bits, family: family) }
    }

    @Test func networkMembership() throws {
        let prefix = try PrefixLength(24, family: .ipv4)
        #expect(try IPAddress("10.67.0.1").sharesNetwork(with: IPAddress("10.67.0.200"), prefix: prefix))
        #expect(try !IPAddress("10.67.0.1").sharesNetwork(with: IPAddress("10.68.0.2"), prefix: prefix))
        #expect(try IPAddress("2001:db8::1").masked(to: PrefixLength(64, family: .ipv6)).description == "2001:db8::")
    }

    @Test func classfulDefaults() throws {
        #expect(try PrefixLength.classful(for: IPAddress("10.24.10.1"))?.value == 8)
        #expect(try PrefixLength.classful(for: IPAddress("172.16.0.1"))?.value == 16)
        #expect(try PrefixLength.classful(for: IPAddress("192.168.1.1"))?.value == 24)
        #expect(try PrefixLength.classful(for: IPAddress("224.0.0.1")) == nil)
    }
}

@Suite("Interface names, UUIDs, bandwidth units")
struct NamesAndUnitsTests {
    @Test(arguments: ["eth0", "virbr0", "a", "vnet123456789ab", "br-ex.100"])
    func acceptsKernelNames(name: String) throws {
        #expect(try InterfaceName(name).value == name)
    }

    @Test(arguments: ["", "vnet1234567890abc", "a/b", "a b", ".", "..", "a:b", "tab\there"])
    func refusesBadNames(name: String) {
        #expect(throws: PatchbayError.self) { try InterfaceName(name) }
    }

    @Test(arguments: [
        ("81ff0d90-c91e-6742-64da-4a736edb9a9b", "81ff0d90-c91e-6742-64da-4a736edb9a9b"),
        ("81FF0D90C91E674264DA4A736EDB9A9B", "81ff0d90-c91e-6742-64da-4a736edb9a9b"),
    ])
    func uuidForms(input: String, printed: String) throws {
        #expect(try LibvirtUUID(input).description == printed)
    }

    @Test(arguments: ["", "81ff0d90-c91e-6742-64da-4a736edb9a9", "81ff0d90-c91e-6742-64da-4a736edb9a9b0",
                      "g1ff0d90-c91e-6742-64da-4a736edb9a9b", "not-a-uuid"])
    func refusesBadUUIDs(input: String) {
        #expect(throws: PatchbayError.internalError("malformed uuid element")) { try LibvirtUUID(input) }
    }

    @Test func randomUUIDsAreVersion4AndDistinct() throws {
        let a = LibvirtUUID.random()
        let b = LibvirtUUID.random()
        #expect(a != b)
        #expect(a.bytes[6] >> 4 == 4)
        #expect(try LibvirtUUID(a.description) == a)
    }

    @Test(arguments: ["", "-1", "1.5", "abc", "99999999999999999999999", "18014398509481984", "0x10", " 1"])
    func refusesBadRates(text: String) {
        #expect(throws: PatchbayError.self) { try KibibytesPerSecond(parsing: text, attribute: "average") }
        #expect(throws: PatchbayError.self) { try Kibibytes(parsing: text, attribute: "burst") }
    }

    @Test func rateConversions() throws {
        let rate = try KibibytesPerSecond(parsing: "1000", attribute: "average")
        #expect(rate.bytesPerSecond == 1_024_000)
        #expect(try Kibibytes(parsing: "32768", attribute: "burst").bytes == 33_554_432)
    }

    @Test func errorMessagesCarryLibvirtPrefixes() {
        let error = PatchbayError(.configUnsupported, "unknown forwarding type 'bogus'")
        #expect(error.message == "unsupported configuration: unknown forwarding type 'bogus'")
        #expect(error.code.rawValue == 67)
        #expect(error.domain.rawValue == 19)
        #expect(PatchbayError(.noNetwork, "no network with matching name 'x'").message == "Network not found: no network with matching name 'x'")
    }
}
