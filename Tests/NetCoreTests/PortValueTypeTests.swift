import Testing
import NetCore

/// The NetCore value types a network port document relies on.
@Suite("value types used by network ports")
struct PortValueTypeTests {
    @Test("MAC addresses print lower case with two digits per octet", arguments: [
        ("52:54:00:7B:35:93", "52:54:00:7b:35:93"),
        ("52:54:0:a:b:c", "52:54:00:0a:0b:0c"),
    ])
    func macFormatting(_ input: String, _ expected: String) throws {
        #expect(try MACAddress(input).description == expected)
    }

    @Test("bad MAC addresses are refused with libvirt's message", arguments: ["", "52:54:00:00:00", "52:54:00:00:00:0g", "1:2:3:4:5:678"])
    func badMAC(_ input: String) {
        #expect(throws: PatchbayError.internalError("Unable to parse MAC '\(input)'")) { _ = try MACAddress(input) }
    }

    @Test("UUIDs accept libvirt's spellings")
    func uuidSpellings() throws {
        let canonical = "5d744f21-ba4a-4d6e-bdb2-30a35ff3207d"
        #expect(try LibvirtUUID("5D744F21BA4A4D6EBDB230A35FF3207D").description == canonical)
        #expect(try LibvirtUUID("  " + canonical).description == canonical)
        #expect(throws: PatchbayError.self) { _ = try LibvirtUUID(canonical + "00") }
    }
}
