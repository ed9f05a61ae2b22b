import Conformance
import NetXML
import Testing

/// Attribute order is insignificant when comparing a formatted interface with libvirt's.
@Test func attributeOrderIgnored() throws {
    #expect(XMLComparison.difference(expectedText: "<mac address='52:54:00:00:00:01' type='static'/>",
                                     actualText: "<mac type='static' address='52:54:00:00:00:01'/>") == nil)
}
