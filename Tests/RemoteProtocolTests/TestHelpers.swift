@testable import RemoteProtocol

/// Hex text to bytes; test fixtures only, so a malformed literal is a test failure, not a trap.
func bytes(hex: String) -> [UInt8] {
    let digits = Array(hex.utf8)
    var out: [UInt8] = []
    out.reserveCapacity(digits.count / 2)
    var index = 0
    while index + 1 < digits.count {
        let high = nibble(digits[index]), low = nibble(digits[index + 1])
        out.append(high << 4 | low)
        index += 2
    }
    return out
}

private func nibble(_ digit: UInt8) -> UInt8 {
    switch digit {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
    default: 0
    }
}

/// Bytes to lower-case hex, for readable expectation failures.
func hex(_ data: [UInt8]) -> String {
    data.map { byte in
        let text = String(byte, radix: 16)
        return byte < 16 ? "0" + text : text
    }.joined()
}

extension CapturedPacket {
    /// The packet's payload bytes.
    var payload: [UInt8] { bytes(hex: payloadHex) }

    /// The whole frame as it was on the wire: length word, header, payload.
    var frame: [UInt8] {
        var encoder = XDREncoder()
        encoder.encode(length)
        encoder.encode(program)
        encoder.encode(version)
        encoder.encode(procedure)
        encoder.encode(type)
        encoder.encode(serial)
        encoder.encode(status)
        encoder.appendRaw(payload)
        return encoder.bytes
    }
}

/// SplitMix64: seedable, so every fuzz run sees the same inputs.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
