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

    /// The `<zpci>` element as libvirt prints it: both identifiers, four and eight hex digits, 0 for the one not given.
    public var xml: XMLElement {
        XMLElement("zpci", attributes: [("uid", "0x" + PCIAddress.hex(UInt64(uid ?? 0), width: 4)),
                                         ("fid", "0x" + PCIAddress.hex(UInt64(fid ?? 0), width: 8))])
    }
}
