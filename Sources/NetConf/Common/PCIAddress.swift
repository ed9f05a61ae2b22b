import NetCore
import NetXML

/// A PCI address (domain:bus:slot.function) as libvirt writes it in `<address type='pci'>`.
public struct PCIAddress: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// PCI segment (0–0xFFFF).
    public let domain: UInt16
    /// Bus number (0–0xFF).
    public let bus: UInt8
    /// Slot (0–0x1F).
    public let slot: UInt8
    /// Function (0–7).
    public let function: UInt8
    /// `multifunction='on|off'` when given.
    public var multifunction: Bool?

    /// Creates an address, checking each part's range as libvirt does.
    /// `errorDomain` says whose document holds the address (a domain's device, a network's pool, a port).
    public init(domain: UInt64, bus: UInt64, slot: UInt64, function: UInt64, multifunction: Bool? = nil,
                errorDomain: ErrorDomain = .domain) throws(PatchbayError) {
        guard domain <= 0xFFFF else { throw Self.rangeError("domain='0x\(String(domain, radix: 16))'", "0xFFFF", errorDomain) }
        guard bus <= 0xFF else { throw Self.rangeError("bus='0x\(String(bus, radix: 16))'", "0xFF", errorDomain) }
        guard slot <= 0x1F else { throw Self.rangeError("slot='0x\(String(slot, radix: 16))'", "0x1F", errorDomain) }
        // libvirt words the function check without quotes.
        guard function <= 7 else { throw Self.rangeError("function=0x\(String(function, radix: 16))", "7", errorDomain) }
        self.domain = UInt16(domain)
        self.bus = UInt8(bus)
        self.slot = UInt8(slot)
        self.function = UInt8(function)
        self.multifunction = multifunction
    }

    private static func rangeError(_ part: String, _ limit: String, _ errorDomain: ErrorDomain) -> PatchbayError {
        PatchbayError(.xmlError, "Invalid PCI address \(part), must be <= \(limit)", domain: errorDomain)
    }

    /// Parses the attributes of an `<address>` element (hex with `0x` or decimal, as libvirt accepts).
    public init(xml element: XMLElement) throws(PatchbayError) {
        // libvirt reads each part as a 32-bit number first, then checks its range.
        func part(_ name: String) throws(PatchbayError) -> UInt64 {
            UInt64(try element.domainUnsigned(name, allowHex: true) ?? 0)
        }
        try self.init(domain: try part("domain"), bus: try part("bus"), slot: try part("slot"), function: try part("function"),
                      multifunction: try element.domainOnOff("multifunction"))
    }

    /// The attributes libvirt prints, in its order (domain, bus, slot, function, multifunction).
    public var attributes: [(String, String)] {
        var list = [("domain", "0x" + Self.hex(UInt64(domain), width: 4)), ("bus", "0x" + Self.hex(UInt64(bus), width: 2)),
                    ("slot", "0x" + Self.hex(UInt64(slot), width: 2)), ("function", "0x" + String(function))]
        if let multifunction { list.append(("multifunction", multifunction ? "on" : "off")) }
        return list
    }

    /// Lower-case hex, zero-padded to `width` digits.
    static func hex(_ value: UInt64, width: Int) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    /// `dddd:bb:ss.f`.
    public var description: String {
        "\(Self.hex(UInt64(domain), width: 4)):\(Self.hex(UInt64(bus), width: 2)):\(Self.hex(UInt64(slot), width: 2)).\(function)"
    }

    /// True for 0000:00:00.0, which libvirt reads as "any slot".
    public var isUnset: Bool { domain == 0 && bus == 0 && slot == 0 && function == 0 }

    /// The same slot, ignoring function and multifunction.
    public var slotKey: [UInt32] { [UInt32(domain), UInt32(bus), UInt32(slot)] }

    /// Orders by domain, bus, slot, function.
    public static func < (lhs: PCIAddress, rhs: PCIAddress) -> Bool {
        (lhs.domain, lhs.bus, lhs.slot, lhs.function) < (rhs.domain, rhs.bus, rhs.slot, rhs.function)
    }

    /// Equality over the location (multifunction is a hint, not part of where the device is).
    public static func == (lhs: PCIAddress, rhs: PCIAddress) -> Bool {
        lhs.domain == rhs.domain && lhs.bus == rhs.bus && lhs.slot == rhs.slot && lhs.function == rhs.function
    }

    /// Hash over the location.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(domain)
        hasher.combine(bus)
        hasher.combine(slot)
        hasher.combine(function)
    }
}
