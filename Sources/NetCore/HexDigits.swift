/// Hexadecimal digits as libvirt reads and prints UUIDs and MAC addresses, on bytes rather than
/// characters (both are parsed ten thousand times on a restart).
enum HexDigits {
    /// The lower-case digit for a nibble (0–15).
    static func lower(_ nibble: UInt8) -> UInt8 { nibble < 10 ? 0x30 + nibble : 0x61 + nibble - 10 }

    /// The upper-case digit for a nibble (0–15).
    static func upper(_ nibble: UInt8) -> UInt8 { nibble < 10 ? 0x30 + nibble : 0x41 + nibble - 10 }

    /// The value of an ASCII hex digit of either case; nil for anything else.
    static func value(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x41...0x46: byte - 0x41 + 10
        case 0x61...0x66: byte - 0x61 + 10
        default: nil
        }
    }
}
