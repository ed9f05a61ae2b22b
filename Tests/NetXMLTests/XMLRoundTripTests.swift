import NetCore
import NetXML
import Testing

@Suite("XML reader and writer")
struct XMLRoundTripTests {
    @Test(arguments: [
        "<network/>\n",
        "<network>\n  <name>default</name>\n</network>\n",
        "<a x='1' y='2'>\n  <b/>\n  <c>text &amp; &lt;more&gt; &apos;q&apos; &quot;d&quot;</c>\n</a>\n",
        "<network xmlns:dnsmasq='http://libvirt.org/schemas/network/dnsmasq/1.0'>\n  <dnsmasq:options>\n    <dnsmasq:option value='foo=bar'/>\n  </dnsmasq:options>\n</network>\n",
    ])
    func canonicalDocumentsRoundTripByteForByte(text: String) throws {
        let root = try XMLParser.parse(text)
        #expect(XMLWriter.document(root) == text)
    }

    @Test func reformatsLikeLibvirt() throws {
        let root = try XMLParser.parse("<a  y=\"2\"   x=\"&#39;\"><b></b>\n\n<c>t</c></a>")
        #expect(XMLWriter.document(root) == "<a y='2' x='&apos;'>\n  <b/>\n  <c>t</c>\n</a>\n")
    }

    @Test func keepsOpenWhenAsked() {
        let ip = XMLElement("ip", attributes: [("address", "10.0.0.1")], keepsOpenWhenEmpty: true)
        var root = XMLElement("network")
        root.append(ip)
        #expect(XMLWriter.document(root) == "<network>\n  <ip address='10.0.0.1'>\n  </ip>\n</network>\n")
    }

    @Test func controlCharactersAreDropped() {
        var out = ""
        XMLWriter.escape("a\u{01}b\tc", into: &out)
        #expect(out == "ab\tc")
    }

    @Test func namespacesAreKept() throws {
        let root = try XMLParser.parse("<n xmlns:d='urn:x'><d:o v='1'/></n>")
        let child = try #require(root.elements.first)
        #expect(child.namespaceURI == "urn:x")
        #expect(child.localName == "o")
        #expect(root.element("d:o") == nil)
    }

    @Test(arguments: [
        ("", "Document is empty"),
        ("<a>", "Premature end of data"),
        ("<a></b>", "Opening and ending tag mismatch"),
        ("<a/><b/>", "Extra content at the end of the document"),
        ("<a x='1' x='2'/>", "Attribute x redefined"),
        ("<a>&bogus;</a>", "Entity 'bogus' not defined"),
        ("text", "Start tag expected"),
    ])
    func malformedDocumentsAreRefusedNotRepaired(text: String, fragment: String) {
        do {
            _ = try XMLParser.parse(text, url: "(network_definition)")
            Issue.record("accepted malformed document \(text)")
        } catch {
            #expect(error.code == .xmlDetail || error.code == .xmlError)
            #expect(error.message.contains(fragment), "\(error.message)")
        }
    }

    /// libvirt 9.0's messages for these documents (`virsh -c test:///default net-define FILE`):
    /// the first fatal error, the line it is on and a pointer under the position. Where libvirt
    /// has no line to show it prints "(null)"; Patchbay leaves the two lines out.
    @Test(arguments: [
        ("<network>\n  <name>x</name>\n  <forward mode='nat'>\n</network>\n",
         "(network_definition):4: Opening and ending tag mismatch: forward line 3 and network\n</network>\n----------^"),
        ("<network><name>x</name>\n<bridge name='a' name='b'/></network>\n",
         "(network_definition):2: Attribute name redefined\n<bridge name='a' name='b'/></network>\n-------------------------^"),
        ("<network>\n<name>x&foo;</name></network>\n",
         "(network_definition):2: Entity 'foo' not defined\n<name>x&foo;</name></network>\n------------^"),
        ("<network><name>x</name></network>\n<other/>\n",
         "(network_definition):2: Extra content at the end of the document\n<other/>\n^"),
        ("<network>\n<name>x</name>\n", "(network_definition):3: Premature end of data in tag network line 1"),
        ("<a>\n</b>", "(network_definition):2: Opening and ending tag mismatch: a line 1 and b\n</b>\n----^"),
    ])
    func errorIsTheFirstOneWithItsLineLikeLibvirt(text: String, message: String) {
        #expect(throws: PatchbayError(.xmlDetail, message)) {
            try XMLParser.parse(text, url: "(network_definition)")
        }
        // What virsh prints after "error: " is the detail alone: VIR_ERR_XML_DETAIL has no prefix.
        do {
            _ = try XMLParser.parse(text, url: "(network_definition)")
        } catch {
            #expect(error.message == message)
        }
    }

    @Test func invalidUTF8IsRefused() {
        #expect(throws: PatchbayError.self) { try XMLParser.parse(bytes: Array("<a x='".utf8) + [0xC3, 0x28] + Array("'/>".utf8)) }
    }

    @Test func internalEntitiesAndDoctypesAreRefused() {
        #expect(throws: PatchbayError.self) {
            try XMLParser.parse("<!DOCTYPE a [<!ENTITY e 'boom'>]><a>&e;</a>")
        }
    }

    @Test func lineNumbersAreRecorded() throws {
        let root = try XMLParser.parse("<a>\n\n  <b/>\n</a>")
        #expect(root.elements.first?.line == 3)
    }
}
