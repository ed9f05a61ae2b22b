import NetCore
import NetXML

/// The PCI address of a host device (an SR-IOV virtual function) plugged into a hostdev network port.
public struct NetworkPortPCIAddress: Hashable, Sendable, CustomStringConvertible {
    /// PCI domain (segment), 0–0xFFFF.
    public let domain: UInt32
    /// Bus, 0–0xFF.
    public let bus: UInt8
    /// Slot (device), 0–0x1F.
    public let slot: UInt8
    /// Function, 0–7.
    public let function: UInt8

    /// Creates an address, checking each part against PCI's limits with libvirt's messages.
    public init(domain: UInt64, bus: UInt64, slot: UInt64, function: UInt64) throws(PatchbayError) {
        // libvirt checks the ranges only when the address is not all zero; an out-of-range part
        // is meaningless in any address, so Patchbay always checks them.
        guard domain <= 0xFFFF else {
            throw .xml("Invalid PCI address domain='0x\(String(domain, radix: 16))', must be <= 0xFFFF")
        }
        guard bus <= 0xFF else { throw .xml("Invalid PCI address bus='0x\(String(bus, radix: 16))', must be <= 0xFF") }
        guard slot <= 0x1F else { throw .xml("Invalid PCI address slot='0x\(String(slot, radix: 16))', must be <= 0x1F") }
        guard function <= 7 else {
            throw .xml("Invalid PCI address function=0x\(String(function, radix: 16)), must be <= 7")
        }
        self.domain = UInt32(domain)
        self.bus = UInt8(bus)
        self.slot = UInt8(slot)
        self.function = UInt8(function)
    }

    /// Parses `<address domain='…' bus='…' slot='…' function='…'/>`; absent parts are zero.
    ///
    /// `type` is ignored (libvirt accepts `type='pci'` there and does not print it for ports);
    /// `multifunction` is checked but not kept, because libvirt does not print it for ports either.
    public init(xml element: XMLElement) throws(PatchbayError) {
        func part(_ name: String) throws(PatchbayError) -> UInt64 {
            guard let text = element.attribute(name) else { return 0 }
            guard let value = Self.parseNumber(text) else {
                throw .xml("Invalid value for attribute '\(name)' in element '\(element.name)': '\(text)'. Expected non-negative integer value")
            }
            return value
        }
        _ = try element.onOff("multifunction")
        try self.init(domain: try part("domain"), bus: try part("bus"), slot: try part("slot"), function: try part("function"))
    }

    /// C `strtoul` with base 0, as libvirt reads PCI address parts: `0x` hex, leading-zero octal, else
    /// decimal; no sign, and the value must fit in 32 bits.
    static func parseNumber(_ text: String) -> UInt64? {
        let scalars = Array(text.unicodeScalars)
        var index = 0
        while index < scalars.count, scalars[index].properties.isWhitespace, scalars[index].isASCII { index += 1 }
        let body = String(String.UnicodeScalarView(scalars[index...]))
        let value: UInt64?
        if body.hasPrefix("0x") || body.hasPrefix("0X") {
            let digits = body.dropFirst(2)
            value = digits.isEmpty || !digits.allSatisfy({ $0.isASCII && $0.isHexDigit }) ? nil : UInt64(digits, radix: 16)
        } else if body.hasPrefix("0"), body.count > 1 {
            value = body.allSatisfy({ ("0"..."7").contains($0) }) ? UInt64(body, radix: 8) : nil
        } else {
            value = !body.isEmpty && body.allSatisfy({ $0.isASCII && $0.isNumber }) ? UInt64(body) : nil
        }
        guard let value, value <= UInt64(UInt32.max) else { return nil }
        return value
    }

    /// `dddd:bb:ss.f`, the form Linux uses in sysfs.
    public var description: String {
        "\(Self.hex(domain, width: 4)):\(Self.hex(bus, width: 2)):\(Self.hex(slot, width: 2)).\(function)"
    }

    /// The `<address>` element as libvirt prints it for a port: no `type`, fixed-width hex.
    public var xml: XMLElement {
        XMLElement("address", attributes: [
            ("domain", "0x" + Self.hex(domain, width: 4)),
            ("bus", "0x" + Self.hex(bus, width: 2)),
            ("slot", "0x" + Self.hex(slot, width: 2)),
            ("function", "0x\(function)"),
        ])
    }

    /// Lower-case hex, zero-padded to `width` digits.
    private static func hex(_ value: some BinaryInteger, width: Int) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
