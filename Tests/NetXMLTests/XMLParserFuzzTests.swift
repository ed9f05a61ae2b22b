import Foundation
import NetCore
import TestSupport
import Testing
@testable import NetXML

/// Seeds covering the constructs libvirt documents use (kept here so NetXML's tests need no other target).
private let seedDocuments: [String] = [
    """
    <network connections='2' ipv6='yes'>
      <name>default</name>
      <uuid>81ff0d90-c91e-6742-64da-4a736edb9a9b</uuid>
      <!-- a comment -->
      <forward mode='nat'><nat><port start='1024' end='65535'/></nat></forward>
      <bridge name='virbr0' stp='on' delay='0'/>
      <dns><txt name='t' value='a &amp; b &lt; c'/><host ip='10.0.0.2'><hostname>h</hostname></host></dns>
      <ip address='192.168.122.1' netmask='255.255.255.0'><dhcp><range start='192.168.122.2' end='192.168.122.254'/></dhcp></ip>
    </network>
    """,
    """
    <?xml version="1.0" encoding="UTF-8"?>
    <domain type='kvm' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>
      <name>guest</name>
      <description>multi
    line &quot;text&quot; with ünïcödé</description>
      <metadata><app:data xmlns:app='urn:app' app:key='v'>x<![CDATA[<raw>]]>y</app:data></metadata>
      <devices><interface type='network'><source network='default'/><mac address='52:54:00:00:00:01'/></interface></devices>
      <qemu:commandline><qemu:arg value='-S'/></qemu:commandline>
    </domain>
    """,
    "<networkport><uuid>5d744f21-ba4a-4d6e-bdb2-30a35ff3207d</uuid><owner><name>vm</name></owner><plug type='direct' dev='eth0'/></networkport>",
    "<a>mixed <b>bold</b> text <?pi data?> and\ttabs\r\n<c/></a>",
]

private let tokens: [String] = [
    "&#10;", "&#13;", "&#9;", "&#0;", "&#x1F600;", "&#xFFFE;", "&#xD800;", "&amp;", "&lt;", "&foo;", "&#", "&",
    "<!--x-->", "<!--", "-->", "<![CDATA[x]]>", "<![CDATA[", "<?pi x?>", "<?xml version='1.0'?>", "<!DOCTYPE x>",
    "<!DOCTYPE x [<!ENTITY e 'boom'>]>", "<!DOCTYPE x SYSTEM 'file:///etc/passwd'>", " xmlns:a='urn:a'", " a:b='1'",
    " xmlns='urn:n'", " xmlns:a=''", "'", "\"", "<", ">", "</", "/>", "<a>", "</a>", "=", " x='1'", " x='1'", "\u{0}",
    "\u{FEFF}", "\r", "\r\n", "\t", "]]>", "<a:b>", "</a:b>",
]

private let invalidUTF8: [[UInt8]] = [[0x80], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xE2, 0x82], [0xF4, 0x90, 0x80, 0x80], [0xFF], [0xFE, 0xFF]]

/// The tree as the writer's output means it: in an element that has child elements or comments,
/// white space is layout (the writer re-indents it), so runs of it count as one space and text next to
/// markup is trimmed; adjacent text nodes are one run of text.
private func layoutFree(_ element: XMLElement) -> XMLElement {
    var copy = element
    let structured = element.children.contains { if case .text = $0 { false } else { true } }
    if structured {
        var merged: [XMLNode] = []
        for node in element.children {
            if case .text(let text) = node, case .text(let previous)? = merged.last {
                merged[merged.count - 1] = .text(previous + " " + text)
            } else {
                merged.append(node)
            }
        }
        copy.children = merged.compactMap { node in
            switch node {
            case .text(let text):
                let words = text.split(whereSeparator: \.isWhitespace)
                return words.isEmpty ? nil : .text(words.joined(separator: " "))
            case .element(let child): return .element(layoutFree(child))
            case .comment: return node
            }
        }
    } else {
        let text = element.text
        copy.children = text.isEmpty ? [] : [.text(text)]
    }
    return copy
}

/// Where two trees first differ, for a readable failure.
private func firstDifference(_ a: XMLElement, _ b: XMLElement, path: String = "") -> String? {
    let here = "\(path)/\(a.name)"
    if a.name != b.name || a.namespaceURI != b.namespaceURI { return "\(here): name \(a.name) vs \(b.name)" }
    if a.attributes.map(\.name) != b.attributes.map(\.name) || a.attributes.map(\.value) != b.attributes.map(\.value) {
        return "\(here): attributes \(a.attributes.map { "\($0.name)=\($0.value.debugDescription)" }) vs \(b.attributes.map { "\($0.name)=\($0.value.debugDescription)" })"
    }
    if a.children.count != b.children.count { return "\(here): \(a.children.count) vs \(b.children.count) children: \(a.children.map { "\($0)".prefix(40) }) vs \(b.children.map { "\($0)".prefix(40) })" }
    for (x, y) in zip(a.children, b.children) {
        switch (x, y) {
        case (.element(let e), .element(let f)): if let d = firstDifference(e, f, path: here) { return d }
        default: if x != y { return "\(here): \(String(describing: x).debugDescription.prefix(200)) vs \(String(describing: y).debugDescription.prefix(200))" }
        }
    }
    return nil
}

@Suite("fuzzing the XML reader and writer")
struct XMLParserFuzzTests {
    static let iterations = ProcessInfo.processInfo.environment["PATCHBAY_FUZZ_ITERATIONS"].flatMap { Int($0) } ?? 5000

    private static func mutate(_ bytes: inout [UInt8], _ random: inout SplitMix64) {
        guard !bytes.isEmpty else { bytes = Array(random.pick(tokens).utf8); return }
        switch random.below(9) {
        case 0: bytes.removeSubrange(random.below(bytes.count)...)
        case 1: for _ in 0...random.below(8) { bytes[random.below(bytes.count)] ^= UInt8(1) << UInt8(random.below(8)) }
        case 2: for _ in 0...random.below(4) { bytes[random.below(bytes.count)] = UInt8(truncatingIfNeeded: random.next()) }
        case 3: bytes.insert(contentsOf: random.pick(invalidUTF8), at: random.below(bytes.count + 1))
        case 4, 5: bytes.insert(contentsOf: Array(random.pick(tokens).utf8), at: random.below(bytes.count + 1))
        case 6:
            let depth = random.pick([100, 255, 256, 300, 10_000])
            let tagEnds = bytes.indices.filter { bytes[$0] == UInt8(ascii: ">") }
            let at = tagEnds.isEmpty ? 0 : random.pick(tagEnds) + 1
            bytes.insert(contentsOf: Array((String(repeating: "<n a='1'>", count: depth) + String(repeating: "</n>", count: depth)).utf8), at: at)
        case 7:
            let start = random.below(bytes.count)
            let range = start..<min(bytes.count, start + 1 + random.below(80))
            bytes.insert(contentsOf: Array(bytes[range]), at: random.below(bytes.count + 1))
        default:
            let value = String(repeating: random.pick(["A", "&amp;", "é", " "]), count: random.pick([1000, 1000, 1000, 50_000]))
            let quotes = bytes.indices.filter { bytes[$0] == UInt8(ascii: "'") }
            bytes.insert(contentsOf: Array(value.utf8), at: quotes.isEmpty ? 0 : random.pick(quotes))
        }
    }

    @Test("malformed input is refused with PatchbayError and accepted input survives the writer")
    func mutatedDocuments() {
        let started = ContinuousClock.now
        var random = SplitMix64(seed: 0x584D_4C00_0000_0001)
        var violations: [String] = []
        var accepted = 0
        for index in 0..<Self.iterations {
            var bytes = Array(seedDocuments[index % seedDocuments.count].utf8)
            for _ in 0...random.below(2) { Self.mutate(&bytes, &random) }
            if index % 50 == 0 { bytes = (0..<random.below(300)).map { _ in UInt8(truncatingIfNeeded: random.next()) } }
            let tree: XMLElement
            do {
                tree = try XMLParser.parse(bytes: bytes)
            } catch {
                if error.message.isEmpty { violations.append("empty error message") }
                continue
            }
            accepted += 1
            let written = XMLWriter.document(tree)
            do {
                let reread = try XMLParser.parse(written)
                if layoutFree(reread) != layoutFree(tree) {
                    violations.append("re-read tree differs: \(firstDifference(layoutFree(reread), layoutFree(tree)) ?? "?")\n\(written.prefix(1500))\n--- from ---\n\(String(decoding: bytes.prefix(1500), as: UTF8.self))")
                }
                let rewritten = XMLWriter.document(reread)
                if rewritten != written { violations.append("writer is not a fixed point:\n\(written)\n--- then ---\n\(rewritten)") }
            } catch {
                violations.append("writer output refused: \(error.message)\n\(written)\n--- from ---\n\(String(decoding: bytes.prefix(1500), as: UTF8.self))")
            }
        }
        print("fuzz XMLParser.parse(bytes:): \(Self.iterations) inputs, \(accepted) accepted, \(violations.count) violations, \(ContinuousClock.now - started)")
        #expect(violations.isEmpty, "\(violations.count) violations:\n\(violations.prefix(5).joined(separator: "\n\n"))")
    }

    /// Random trees of valid names with hostile values: whatever the writer prints must read back.
    @Test("random trees survive the writer")
    func randomTrees() throws {
        let started = ContinuousClock.now
        var random = SplitMix64(seed: 0x584D_4C00_0000_0002)
        let names = ["a", "b", "ip", "dhcp", "x-y", "n.1", "_u", "ünï"]
        let values = ["", " ", "  lead", "trail  ", "a\tb", "a\nb", "a\r\nb", "\r", "<&>'\"", "]]>", "--", "ünïcödé \u{1F600}",
                      "\u{7}bell", "a\u{0}b", "x\u{1F}y", "&amp;", String(repeating: "z", count: 5000)]
        func tree(_ depth: Int) -> XMLElement {
            var element = XMLElement(random.pick(names))
            var used = Set<String>()
            for _ in 0..<random.below(4) {
                let name = random.pick(["p", "q", "type", "name", "v"])
                if used.insert(name).inserted { element.attributes.append((name: name, value: random.pick(values))) }
            }
            for _ in 0..<(depth > 0 ? random.below(4) : 0) {
                switch random.below(4) {
                case 0: element.children.append(.text(random.pick(values)))
                case 1: element.children.append(.comment(random.pick([" c ", "", "x-y", "ü"])))
                default: element.children.append(.element(tree(depth - 1)))
                }
            }
            return element
        }
        /// What the writer may legitimately drop: control characters XML 1.0 cannot carry.
        func printable(_ element: XMLElement) -> XMLElement {
            var copy = element
            func clean(_ s: String) -> String {
                String(String.UnicodeScalarView(s.unicodeScalars.filter { $0.value >= 0x20 || $0 == "\t" || $0 == "\n" || $0 == "\r" }))
            }
            copy.attributes = element.attributes.map { (name: $0.name, value: clean($0.value)) }
            copy.children = element.children.map { node in
                switch node {
                case .text(let t): .text(clean(t))
                case .element(let e): .element(printable(e))
                case .comment: node
                }
            }
            return copy
        }
        var violations: [String] = []
        let count = max(1, Self.iterations / 5)
        for _ in 0..<count {
            let original = tree(random.below(6))
            let written = XMLWriter.document(original)
            do {
                let reread = try XMLParser.parse(written)
                if layoutFree(reread) != layoutFree(printable(original)) { violations.append("tree differs after writing: \(firstDifference(layoutFree(reread), layoutFree(printable(original))) ?? "?")\n\(written.prefix(1500))") }
            } catch {
                violations.append("writer output refused: \(error.message)\n\(written)")
            }
        }
        print("fuzz XMLWriter random trees: \(count) trees, \(violations.count) violations, \(ContinuousClock.now - started)")
        #expect(violations.isEmpty, "\(violations.count) violations:\n\(violations.prefix(5).joined(separator: "\n\n"))")
    }
}
