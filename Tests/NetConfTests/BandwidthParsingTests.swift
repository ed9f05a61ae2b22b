import NetCore
import NetXML
import Testing
@testable import NetConf

/// Bandwidth numbers as libvirt 9.0 reads them (checked with `virsh -c test:///default net-define`
/// for networks and `define` for a domain's `<interface>`): a value it cannot convert is an
/// "unsupported configuration", never an "XML error".
@Suite("Bandwidth numbers")
struct BandwidthParsingTests {
    static let attributes = ["average", "peak", "burst", "floor"]
    static let unconvertibleTexts = ["abc", "-5", "18446744073709551616", "99999999999999999999999", "5 ", "1.5", "0x10", ""]
    static let acceptedTexts: [(text: String, value: UInt64)] = [(" 5", 5), ("+5", 5), ("0", 0), ("1000", 1000)]

    /// `<inbound>` with `attribute` set to `value` (and the average that peak and burst need).
    private func inbound(_ attribute: String, _ value: String) -> String {
        let average = attribute == "peak" || attribute == "burst" ? " average='100'" : ""
        return "<bandwidth><inbound\(average) \(attribute)='\(value)'/></bandwidth>"
    }

    private func domain(_ bandwidth: String) -> String {
        "<domain type='kvm'><name>d</name><memory>1024</memory><os><type>hvm</type></os><devices>"
            + "<interface type='network'><source network='default'/>\(bandwidth)</interface></devices></domain>"
    }

    @Test("a number libvirt cannot convert is an unsupported configuration", arguments: attributes, unconvertibleTexts)
    func unconvertible(attribute: String, text: String) {
        let expected = PatchbayError(.configUnsupported, "could not convert bandwidth \(attribute) value '\(text)'")
        if attribute != "floor" {
            let network = "<network><name>n</name>\(inbound(attribute, text))</network>"
            #expect(throws: expected) { try NetworkDefinition.parse(xml: network) }
        }
        #expect(throws: expected) { try DomainNetworkDevices.parse(domainXML: domain(inbound(attribute, text))) }
    }

    @Test("libvirt's number syntax: leading blanks and a plus sign", arguments: attributes, acceptedTexts)
    func accepted(attribute: String, number: (text: String, value: UInt64)) throws {
        let element = try XMLParser.parse(inbound(attribute, number.text))
        let rate = try #require(try Bandwidth.parse(element)?.inbound)
        let values: [String: UInt64?] = ["average": rate.average?.value, "peak": rate.peak?.value,
                                         "burst": rate.burst?.value, "floor": rate.floor?.value]
        #expect(values[attribute] == number.value)
    }

    @Test("a number the kernel's byte rates cannot hold is refused with the same code", arguments: attributes)
    func tooLarge(attribute: String) {
        let text = String(UInt64.max)
        #expect(throws: PatchbayError(.configUnsupported,
                                      "bandwidth \(attribute) value '\(text)' is too large (at most \(UInt64.max / 1024))")) {
            try DomainNetworkDevices.parse(domainXML: domain(inbound(attribute, text)))
        }
    }
}
