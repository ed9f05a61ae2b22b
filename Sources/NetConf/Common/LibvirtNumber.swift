import NetXML

/// The one unsigned-number reader of NetConf. libvirt reads numbers with `strtoul`-style calls whose
/// details differ between its network and its domain code; each public entry names one of those
/// rules, and all of them run through `parse`.
public enum LibvirtNumber {
    /// The network code's `strtoul` with base 0: leading blanks and one `+` skipped, `0x` hex,
    /// leading-zero octal, else decimal; the whole rest must be used.
    public static func unsignedBase0(_ text: String) -> UInt64? {
        parse(text, trim: .leadingBlanks, plusSign: true, hex: true, octal: true)
    }

    /// The network code's `strtoul` with base 10: leading blanks and one `+` skipped.
    public static func unsignedDecimal(_ text: String) -> UInt64? {
        parse(text, trim: .leadingBlanks, plusSign: true, hex: false, octal: false)
    }

    /// The domain code's reads: white space around the number ignored, no sign, decimal, or
    /// hexadecimal with a `0x` prefix when `allowHex` (base 0 minus octal).
    public static func unsigned(_ text: String, allowHex: Bool) -> UInt64? {
        parse(text, trim: .whitespaceAround, plusSign: false, hex: allowHex, octal: false)
    }

    private enum Trim { case leadingBlanks, whitespaceAround }

    private static func parse(_ text: String, trim: Trim, plusSign: Bool, hex: Bool, octal: Bool) -> UInt64? {
        var body: Substring
        switch trim {
        case .leadingBlanks: body = text.drop { $0 == " " || $0 == "\t" || $0 == "\n" }
        case .whitespaceAround: body = Substring(text.trimmingWhitespace)
        }
        if plusSign, body.hasPrefix("+") { body = body.dropFirst() }
        guard !body.isEmpty else { return nil }
        if hex, body.hasPrefix("0x") || body.hasPrefix("0X") {
            let digits = body.dropFirst(2)
            guard !digits.isEmpty, digits.allSatisfy(\.isHexDigit) else { return nil }
            return UInt64(digits, radix: 16)
        }
        if octal, body.count > 1, body.hasPrefix("0") {
            let digits = body.dropFirst()
            guard digits.allSatisfy({ ("0"..."7").contains($0) }) else { return nil }
            return UInt64(digits, radix: 8)
        }
        guard body.unicodeScalars.allSatisfy({ $0.value >= 0x30 && $0.value <= 0x39 }) else { return nil }
        return UInt64(body)
    }
}
