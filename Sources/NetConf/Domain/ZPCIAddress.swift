import NetCore
import NetXML

/// `<zpci uid= fid=/>` inside a PCI `<address>`: the s390 zPCI identifiers of a PCI device.
public struct ZPCIAddress: Hashable, Sendable {
    /// User-defined identifier (QEMU accepts 1–0xFFFF), when given.
    public let uid: UInt32?
    /// Function identifier, when given.
    public let fid: UInt32?

    /// Parses `<zpci>`.
    public init(xml element: XMLElement) throws(PatchbayError) {
        // Ranges are the QEMU driver's business; the parser takes any 32-bit value.
        uid = try element.domainUnsigned("uid", allowHex: true)
        fid = try element.domainUnsigned("fid", allowHex: true)
    }

    /// The `<zpci>` element as libvirt prints it (four and eight hex digits).
    public var xml: XMLElement {
        var element = XMLElement("zpci")
        element.set("uid", uid.map { "0x" + PCIAddress.hex(UInt64($0), width: 4) })
        element.set("fid", fid.map { "0x" + PCIAddress.hex(UInt64($0), width: 8) })
        return element
    }
}
