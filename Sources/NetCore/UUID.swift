/// A 128-bit UUID as libvirt uses it for networks, ports and owners.
public struct LibvirtUUID: Hashable, Sendable, CustomStringConvertible {
    /// The sixteen bytes.
    public let bytes: [UInt8]

    /// Parses 32 hex digits; like libvirt, dashes and surrounding spaces are allowed between digits.
    public init(_ text: String) throws(PatchbayError) {
        var bytes: [UInt8] = []
        var high: UInt8?
        let trimmed = text.drop(while: { $0 == " " })
        for scalar in trimmed.unicodeScalars {
            if scalar == "-" { continue }
            if scalar == " " && bytes.count == 16 { continue }
            guard let nibble = Self.nibble(scalar), bytes.count < 16 else {
                throw .internalError("malformed uuid element")
            }
            if let h = high {
                bytes.append(h << 4 | nibble)
                high = nil
            } else {
                high = nibble
            }
        }
        guard bytes.count == 16, high == nil else { throw .internalError("malformed uuid element") }
        self.bytes = bytes
    }

    /// Creates a UUID from sixteen bytes.
    public init(bytes: [UInt8]) throws(PatchbayError) {
        guard bytes.count == 16 else { throw .internalError("a UUID has 16 bytes, not \(bytes.count)") }
        self.bytes = bytes
    }

    /// A random (version 4) UUID, as libvirt generates for documents that omit one.
    public static func random() -> LibvirtUUID {
        var generator = SystemRandomNumberGenerator()
        // Two 64-bit draws rather than sixteen byte draws: each draw is a getrandom(2) call.
        let high = generator.next(), low = generator.next()
        var bytes = (0..<8).map { UInt8(truncatingIfNeeded: high >> ($0 * 8)) } + (0..<8).map { UInt8(truncatingIfNeeded: low >> ($0 * 8)) }
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        return LibvirtUUID(unchecked: bytes)
    }

    private init(unchecked bytes: [UInt8]) { self.bytes = bytes }

    private static func nibble(_ scalar: Unicode.Scalar) -> UInt8? {
        switch scalar.value {
        case 0x30...0x39: UInt8(scalar.value - 0x30)
        case 0x41...0x46: UInt8(scalar.value - 0x41 + 10)
        case 0x61...0x66: UInt8(scalar.value - 0x61 + 10)
        default: nil
        }
    }

    /// Lower-case 8-4-4-4-12 form.
    public var description: String {
        var out = ""
        for (index, byte) in bytes.enumerated() {
            if [4, 6, 8, 10].contains(index) { out += "-" }
            let hex = String(byte, radix: 16)
            out += byte < 16 ? "0" + hex : hex
        }
        return out
    }
}
