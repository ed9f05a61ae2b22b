import NetCore
import TestSupport
import Testing

/// Deterministic fuzzing of NetCore's parsing initialisers: hostile text must give a value or a
/// `PatchbayError`, never a trap, and every accepted value must re-parse from its own description.
@Suite("fuzzing NetCore value types")
struct ValueTypeFuzzTests {
    static let iterations = 20_000

    /// Strings near the valid forms: valid seeds with characters replaced, inserted, removed or repeated.
    private static func hostile(_ random: inout SplitMix64) -> String {
        let seeds = ["52:54:00:7b:35:93", "5d744f21-ba4a-4d6e-bdb2-30a35ff3207d", "192.168.122.1", "2001:db8::1",
                     "::ffff:10.0.0.1", "255.255.255.0", "virbr0", "1000", "18446744073709551615", ""]
        let alphabet: [Character] = ["0", "1", "9", "a", "f", "F", "g", "Z", ":", "-", ".", "/", " ", "%", "+", "\u{0}",
                                     "\t", "é", "\u{FF10}", "\u{1F600}", "ｆ", "x", "\u{200B}"]
        var characters = Array(random.pick(seeds))
        for _ in 0...random.below(4) {
            switch random.below(5) {
            case 0 where !characters.isEmpty: characters[random.below(characters.count)] = random.pick(alphabet)
            case 1: characters.insert(random.pick(alphabet), at: random.below(characters.count + 1))
            case 2 where !characters.isEmpty: characters.remove(at: random.below(characters.count))
            case 3: characters += characters.prefix(random.below(8))
            default: characters = Array(String(repeating: String(characters), count: random.pick([1, 2, 10])))
            }
        }
        return String(characters)
    }

    @Test("parsers return or throw, and accepted values round-trip")
    func parsers() {
        var random = SplitMix64(seed: 0x6E65_7463_6F72_6501)
        var violations: [String] = []
        var accepted = 0
        for _ in 0..<Self.iterations {
            let text = Self.hostile(&random)
            if let mac = try? MACAddress(text) {
                accepted += 1
                if (try? MACAddress(mac.description)) != mac { violations.append("MAC \(text.debugDescription)") }
                _ = mac.isMulticast
            }
            if let uuid = try? LibvirtUUID(text) {
                accepted += 1
                if (try? LibvirtUUID(uuid.description)) != uuid { violations.append("UUID \(text.debugDescription)") }
            }
            if let address = try? IPAddress(text) {
                accepted += 1
                if (try? IPAddress(address.description)) != address { violations.append("IP \(text.debugDescription)") }
                for bits in [0, 1, 7, 8, 31, 32, 64, 127, 128] {
                    if let prefix = try? PrefixLength(bits, family: address.family) {
                        _ = address.masked(to: prefix)
                        _ = prefix.ipv4Netmask
                    }
                }
                _ = try? PrefixLength(netmask: address)
                _ = PrefixLength.classful(for: address)
                _ = address.integerValue
            }
            if let name = try? InterfaceName(text), name.value != text { violations.append("interface name \(text.debugDescription)") }
            if let rate = try? KibibytesPerSecond(parsing: text, attribute: "average") { _ = rate.bytesPerSecond; accepted += 1 }
            if let size = try? Kibibytes(parsing: text, attribute: "burst") { _ = size.bytes }
        }
        print("fuzz NetCore parsers: \(Self.iterations) strings, \(accepted) accepted, \(violations.count) violations")
        #expect(violations.isEmpty, "\(violations.prefix(10))")
    }

    @Test("numeric constructors refuse out-of-range values without trapping")
    func numericEdges() {
        for value in [UInt64.max, UInt64.max / 1024, UInt64.max / 1024 + 1, 0] {
            if let rate = try? KibibytesPerSecond(value) { _ = rate.bytesPerSecond }
            if let size = try? Kibibytes(value) { _ = size.bytes }
        }
        for bits in [Int.min, -1, 0, 32, 33, 128, 129, Int.max] {
            _ = try? PrefixLength(bits, family: .ipv4).ipv4Netmask
            _ = try? PrefixLength(bits, family: .ipv6)
        }
        for count in [0, 5, 6, 7] {
            _ = try? MACAddress(octets: Array(repeating: 0xFF, count: count))
            _ = try? IPAddress(bytes: Array(repeating: 0xFF, count: count * 3))
        }
        _ = try? LibvirtUUID(bytes: [])
    }
}
