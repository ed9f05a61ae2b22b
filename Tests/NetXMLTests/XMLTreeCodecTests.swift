import NetCore
import NetXML
import Testing

@Suite("XML tree codec")
struct XMLTreeCodecTests {
    static let documents = [
        "<networkport>\n  <uuid>c1b6e0c5-4c3a-4b88-9ed8-2e29a9e5d9a1</uuid>\n  <owner>\n    <name>vm</name>\n  </owner>\n  <mac address='52:54:00:00:00:01'/>\n</networkport>\n",
        "<network xmlns:dnsmasq='http://libvirt.org/schemas/network/dnsmasq/1.0'>\n  <!-- kept -->\n  <dnsmasq:options>\n    <dnsmasq:option value='foo=bar'/>\n  </dnsmasq:options>\n  <ip address='10.0.0.1'>\n  </ip>\n</network>\n",
        "<a x='&amp;' y='&apos;é'>text &lt; more<b/>tail</a>",
    ]

    @Test(arguments: documents)
    func treesSurviveEncoding(document: String) throws {
        let tree = try XMLParser.parse(document)
        var bytes: [UInt8] = []
        XMLTreeCodec.encode(tree, into: &bytes)
        XMLTreeCodec.encode(tree, into: &bytes)
        var offset = 0
        let first = try XMLTreeCodec.decode(bytes, at: &offset)
        let second = try XMLTreeCodec.decode(bytes, at: &offset)
        #expect(first == tree && second == tree)
        #expect(first.namespaceURI == tree.namespaceURI)
        #expect(XMLWriter.document(first) == XMLWriter.document(tree))
        #expect(offset == bytes.count)
    }

    @Test(arguments: documents)
    func everyTruncationIsAnErrorNotACrash(document: String) throws {
        var bytes: [UInt8] = []
        XMLTreeCodec.encode(try XMLParser.parse(document), into: &bytes)
        for length in 0..<bytes.count {
            var offset = 0
            #expect(throws: PatchbayError.self) { try XMLTreeCodec.decode(Array(bytes.prefix(length)), at: &offset) }
        }
    }

    @Test func flippedBytesNeverCrash() throws {
        var bytes: [UInt8] = []
        XMLTreeCodec.encode(try XMLParser.parse(Self.documents[1]), into: &bytes)
        for index in bytes.indices {
            for value: UInt8 in [0x00, 0x03, 0x7F, 0xFF] {
                var damaged = bytes
                damaged[index] = value
                var offset = 0
                _ = try? XMLTreeCodec.decode(damaged, at: &offset)
            }
        }
    }

    @Test func nestingIsBounded() throws {
        var element = XMLElement("leaf")
        for _ in 0..<XMLTreeCodec.maximumDepth { element = XMLElement("n", children: [.element(element)]) }
        var bytes: [UInt8] = []
        XMLTreeCodec.encode(element, into: &bytes)
        var offset = 0
        #expect(throws: PatchbayError.self) { try XMLTreeCodec.decode(bytes, at: &offset) }
    }
}
