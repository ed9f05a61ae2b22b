import NetXML
import Testing

/// The writer prints fragments the way libvirt indents devices inside `<devices>`.
@Test func fragmentIndent() {
    let element = XMLElement("interface", attributes: [("type", "user")], children: [.element(XMLElement("mac", attributes: [("address", "52:54:00:00:00:01")]))])
    #expect(XMLWriter.fragment(element, indent: 4) == "    <interface type='user'>\n      <mac address='52:54:00:00:00:01'/>\n    </interface>\n")
}
