/// Byte strings written as hex, the way netlink fixtures are easiest to read and check against
/// the uapi headers: whitespace separates fields, `//` starts a comment that runs to the line end.
enum Hex {
    /// The bytes of `text` (hex digits in pairs; whitespace and `//` comments ignored).
    static func bytes(_ text: String) -> [UInt8] {
        var digits: [UInt8] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let code = line.range(of: "//").map { line[..<$0.lowerBound] } ?? line[...]
            for character in code.utf8 {
                switch character {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digits.append(character - UInt8(ascii: "0"))
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digits.append(character - UInt8(ascii: "a") + 10)
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digits.append(character - UInt8(ascii: "A") + 10)
                case UInt8(ascii: " "), UInt8(ascii: "\t"): continue
                default: preconditionFailure("not a hex digit in a fixture: \(Character(UnicodeScalar(character)))")
                }
            }
        }
        precondition(digits.count % 2 == 0, "odd number of hex digits in a fixture")
        return stride(from: 0, to: digits.count, by: 2).map { digits[$0] << 4 | digits[$0 + 1] }
    }

    /// `bytes` as lowercase hex, 32 bytes a line, for recording fixtures and readable failures.
    static func string(_ bytes: [UInt8], lineLength: Int = 32) -> String {
        let digits = Array("0123456789abcdef")
        var lines: [String] = []
        for start in stride(from: 0, to: bytes.count, by: lineLength) {
            let line = bytes[start..<min(start + lineLength, bytes.count)]
            lines.append(String(line.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0xF)]] }))
        }
        return lines.joined(separator: "\n")
    }
}
