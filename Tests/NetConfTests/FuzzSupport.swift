import Foundation
import NetXML
import TestSupport

/// Shared pieces of the NetConf fuzz tests, in one namespace so they cannot clash with other tests.
enum Fuzz {}

extension Fuzz {
    /// The shared seedable generator.
    typealias SplitMix64 = TestSupport.SplitMix64
    /// The seed documents in `Fixtures/` whose names start with `prefix`, sorted by name.
    enum Seeds {
        static func load(prefix: String) throws -> [(name: String, text: String)] {
            guard let directory = Bundle.module.url(forResource: "Fixtures", withExtension: nil) else {
                throw CocoaError(.fileNoSuchFile)
            }
            let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
                .filter { $0.hasPrefix(prefix) && $0.hasSuffix(".xml") }
                .sorted()
            return try names.map { name in
                (name, try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8))
            }
        }
    }

    /// Mutates seed documents the ways real-world bad input differs from good input: cut short,
    /// corrupted bytes, wrong values, repeated or missing parts, absurd sizes and depths.
    struct DocumentMutator {
        var random: SplitMix64
        /// Subtrees taken from every seed, grafted into other documents to reach unusual combinations.
        let donors: [XMLElement]

        /// Attribute values of the wrong type, out of range, or otherwise hostile.
        static let hostileValues: [String] = [
            "", " ", "abc", "-1", "0", "-0", "1", "+1", "7 ", " 7", "1.5", "1e9", "0x", "0x1f", "0XFFFFFFFFF", "010", "08",
            "99999999999999999999999", "18446744073709551615", "18446744073709551616", "9223372036854775808",
            "4294967295", "4294967296", "65535", "65536", "4095", "4096", "256", "255", "-2147483649",
            "yes", "no", "on", "off", "none", "default", "absent", "network", "bridge", "direct", "hostdev", "hostdev-pci",
            "nat", "route", "open", "private", "vepa", "passthrough", "kernel", "libvirt", "vfio", "kvm", "xen", "pci",
            "ipv4", "ipv6", "tcp", "udp", "hours", "minutes", "seconds", "tagged", "untagged", "up", "down", "virtio",
            "192.168.122.1", "192.168.122.300", "255.255.255.0", "255.0.255.0", "0.0.0.0", "::", "::1", "fe80::1%eth0",
            "2001:db8::/64", "10.0.0.0/8", "52:54:00:00:00:01", "01:00:5e:00:00:01", "ff:ff:ff:ff:ff:ff", "52:54:00:00:00",
            "5d744f21-ba4a-4d6e-bdb2-30a35ff3207d", "5d744f21ba4a4d6ebdb230a35ff3207d", "5d744f21-ba4a-4d6e-bdb2-30a35ff3207",
            "virbr0", "eth0", "a/b", ".", "..", "averyveryverylonginterfacename", "br 0", "ünïcödé", "\u{1F600}",
            "<>&'\"", "\t", "\n", "\r", "a\u{0}b", "]]>", "%s%n", "${x}", "../../etc/passwd",
            String(repeating: "9", count: 400), String(repeating: "a", count: 70),
        ]

        /// Raw snippets spliced into the text: entities, markup pieces, character references.
        static let tokens: [String] = [
            "&#10;", "&#13;", "&#9;", "&#0;", "&#xFFFE;", "&#x1F600;", "&amp;", "&lt;", "&gt;", "&quot;", "&apos;", "&foo;",
            "<!--x-->", "<![CDATA[x]]>", "<?pi x?>", "<!DOCTYPE x>", "<!ENTITY e 'x'>", " xmlns:a='urn:a'", " a:b='1'",
            " xmlns='urn:other'", "'", "\"", "<", ">", "&", "]]>", "</", "/>", "<a>", "</a>", "=", " x='1'", "\u{0}",
        ]

        /// Attribute names libvirt documents use, so random additions hit real code paths.
        static let attributeNames: [String] = [
            "type", "name", "mode", "dev", "address", "mac", "ip", "netmask", "prefix", "family", "start", "end", "id",
            "bridge", "managed", "trunk", "nativeMode", "isolated", "trustGuest", "trustGuestRxFilters", "classID",
            "average", "peak", "floor", "burst", "domain", "bus", "slot", "function", "stp", "delay", "macTableManager",
            "localOnly", "enable", "forwardPlainNames", "default", "portgroup", "network", "unit", "expiry", "size",
            "managerid", "typeid", "typeidversion", "instanceid", "interfaceid", "profileid", "port", "state", "ipv6",
            "connections", "zone", "gateway", "metric", "service", "protocol", "target", "priority", "weight", "value",
        ]

        /// Invalid UTF-8 sequences: stray continuation, overlong, surrogate, truncated, out of range.
        static let invalidUTF8: [[UInt8]] = [[0x80], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xE2, 0x82], [0xF4, 0x90, 0x80, 0x80], [0xFF], [0xFE, 0xFF]]

        init(seed: UInt64, seeds: [String]) {
            random = SplitMix64(seed: seed)
            var donors: [XMLElement] = []
            for text in seeds {
                guard let root = try? XMLParser.parse(text) else { continue }
                var queue = root.elements
                while let element = queue.popLast() {
                    donors.append(element)
                    queue.append(contentsOf: element.elements)
                }
            }
            self.donors = donors
        }

        /// One to three stacked mutations of `seed`.
        mutating func mutate(_ seed: String) -> [UInt8] {
            var bytes = Array(seed.utf8)
            for _ in 0...random.below(3) {
                if random.chance(7, in: 10), var tree = try? XMLParser.parse(bytes: bytes) {
                    mutateTree(&tree)
                    bytes = Array(XMLWriter.document(tree).utf8)
                } else {
                    mutateBytes(&bytes)
                }
            }
            return bytes
        }

        // MARK: byte level

        mutating func mutateBytes(_ bytes: inout [UInt8]) {
            guard !bytes.isEmpty else { return }
            switch random.below(8) {
            case 0: // truncation
                bytes.removeSubrange(random.below(bytes.count)...)
            case 1: // bit flips
                for _ in 0...random.below(8) { bytes[random.below(bytes.count)] ^= UInt8(1) << UInt8(random.below(8)) }
            case 2: // random bytes
                for _ in 0...random.below(4) { bytes[random.below(bytes.count)] = UInt8(truncatingIfNeeded: random.next()) }
            case 3: // invalid UTF-8
                bytes.insert(contentsOf: random.pick(Self.invalidUTF8), at: random.below(bytes.count + 1))
            case 4: // markup and entity tokens
                bytes.insert(contentsOf: Array(random.pick(Self.tokens).utf8), at: random.below(bytes.count + 1))
            case 5: // deep nesting after some tag
                let depth = random.pick([10, 100, 250, 257, 1000, 10_000])
                let tagEnds = bytes.indices.filter { bytes[$0] == UInt8(ascii: ">") }
                let at = tagEnds.isEmpty ? 0 : random.pick(tagEnds) + 1
                let nest = String(repeating: "<n>", count: depth) + String(repeating: "</n>", count: depth)
                bytes.insert(contentsOf: Array(nest.utf8), at: at)
            case 6: // a range removed
                let start = random.below(bytes.count)
                bytes.removeSubrange(start..<min(bytes.count, start + 1 + random.below(40)))
            default: // a range duplicated
                let start = random.below(bytes.count)
                let range = start..<min(bytes.count, start + 1 + random.below(80))
                bytes.insert(contentsOf: Array(bytes[range]), at: random.below(bytes.count + 1))
            }
        }

        // MARK: tree level

        /// Child-index paths of every element below the root (the root is the empty path).
        static func paths(_ element: XMLElement, prefix: [Int] = [], into out: inout [[Int]]) {
            out.append(prefix)
            for (index, child) in element.children.enumerated() {
                if case .element(let e) = child { paths(e, prefix: prefix + [index], into: &out) }
            }
        }

        static func modify(_ element: inout XMLElement, at path: ArraySlice<Int>, _ body: (inout XMLElement) -> Void) {
            guard let first = path.first else { return body(&element) }
            guard case .element(var child) = element.children[first] else { return }
            modify(&child, at: path.dropFirst(), body)
            element.children[first] = .element(child)
        }

        static func element(_ root: XMLElement, at path: [Int]) -> XMLElement {
            var current = root
            for index in path { if case .element(let e) = current.children[index] { current = e } }
            return current
        }

        mutating func hostileValue() -> String {
            if random.chance(1, in: 40) { return String(repeating: random.pick(["A", "9", "&", "é"]), count: random.pick([4096, 65_536, 300_000])) }
            return random.pick(Self.hostileValues)
        }

        mutating func mutateTree(_ tree: inout XMLElement) {
            var all: [[Int]] = []
            Self.paths(tree, into: &all)
            let path = random.pick(all)
            let operation = random.below(11)
            switch operation {
            case 0, 1: // wrong-type attribute value
                let value = hostileValue()
                let pick = random.next()
                Self.modify(&tree, at: path[...]) { e in
                    if e.attributes.isEmpty { e.attributes.append((name: Self.attributeNames[Int(pick % UInt64(Self.attributeNames.count))], value: value)) }
                    else { e.attributes[Int(pick % UInt64(e.attributes.count))].value = value }
                }
            case 2: // attribute removed
                let pick = random.next()
                Self.modify(&tree, at: path[...]) { e in if !e.attributes.isEmpty { e.attributes.remove(at: Int(pick % UInt64(e.attributes.count))) } }
            case 3: // attribute duplicated or added by name
                let name = random.pick(Self.attributeNames)
                let value = hostileValue()
                let duplicate = random.chance(1, in: 3)
                Self.modify(&tree, at: path[...]) { e in
                    if duplicate, let first = e.attributes.first { e.attributes.append(first) } else { e.attributes.append((name: name, value: value)) }
                }
            case 4: // element removed
                guard let last = path.last else { return }
                Self.modify(&tree, at: path.dropLast()) { e in e.children.remove(at: last) }
            case 5: // element duplicated in place
                guard let last = path.last else { return }
                let copies = random.pick([1, 1, 2, 50])
                Self.modify(&tree, at: path.dropLast()) { e in
                    e.children.insert(contentsOf: Array(repeating: e.children[last], count: copies), at: last)
                }
            case 6: // attributes swapped between two elements
                let other = random.pick(all)
                let a = Self.element(tree, at: path)
                let b = Self.element(tree, at: other)
                guard !a.attributes.isEmpty, !b.attributes.isEmpty, path != other else { return }
                let (ia, ib) = (random.below(a.attributes.count), random.below(b.attributes.count))
                Self.modify(&tree, at: path[...]) { e in e.attributes[ia] = b.attributes[ib] }
                Self.modify(&tree, at: other[...]) { e in e.attributes[ib] = a.attributes[ia] }
            case 7: // text replaced
                let value = hostileValue()
                Self.modify(&tree, at: path[...]) { e in
                    if e.elements.isEmpty { e.children = [.text(value)] } else { e.children.insert(.text(value), at: 0) }
                }
            case 8: // a subtree from another seed grafted in
                guard !donors.isEmpty else { return }
                let donor = random.pick(donors)
                Self.modify(&tree, at: path[...]) { e in e.children.append(.element(donor)) }
            case 9: // nested copies of an element (within libxml2's depth limit, to stress recursion)
                let depth = random.pick([2, 20, 200])
                Self.modify(&tree, at: path[...]) { e in
                    var nested = e
                    for _ in 0..<depth {
                        var wrapper = XMLElement(e.name, attributes: e.attributes.map { ($0.name, $0.value) })
                        wrapper.children = [.element(nested)]
                        nested = wrapper
                    }
                    e = nested
                }
            default: // element renamed to a sibling's or donor's name
                let name = donors.isEmpty ? "x" : random.pick(donors).name
                Self.modify(&tree, at: path[...]) { e in e.name = name }
            }
        }
    }
}
