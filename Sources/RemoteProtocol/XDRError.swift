/// Why an XDR value could not be encoded or decoded.
///
/// Decoding untrusted bytes must never trap: every way a peer can send something malformed
/// (too short, too long, an impossible discriminant) ends up as one of these cases.
public enum XDRError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The input ended before the value did.
    case truncated(needed: Int, available: Int)
    /// A string, opaque or array announced more elements than its declared maximum allows.
    case lengthExceedsMaximum(length: UInt32, maximum: UInt32)
    /// A `bool` was neither 0 nor 1.
    case invalidBoolean(UInt32)
    /// An optional-data discriminator was neither 0 nor 1.
    case invalidOptionalDiscriminant(UInt32)
    /// An `enum` carried a value its type does not define.
    case invalidEnumValue(type: String, value: Int32)
    /// A discriminated union carried a discriminant with no arm.
    case invalidUnionDiscriminant(type: String, value: Int32)
    /// A string's bytes were not UTF-8, which Swift strings require.
    case invalidUTF8
    /// A fixed-length opaque was given the wrong number of bytes to encode.
    case wrongFixedLength(expected: Int, actual: Int)
    /// Bytes were left over after the outermost value (a payload longer than its type).
    case trailingBytes(count: Int)

    /// A short English description, used when the error is reported to a libvirt client.
    public var description: String {
        switch self {
        case let .truncated(needed, available):
            "XDR data truncated: needed \(needed) bytes, \(available) available"
        case let .lengthExceedsMaximum(length, maximum):
            "XDR length \(length) exceeds the maximum \(maximum)"
        case let .invalidBoolean(value):
            "XDR bool has invalid value \(value)"
        case let .invalidOptionalDiscriminant(value):
            "XDR optional data has invalid discriminator \(value)"
        case let .invalidEnumValue(type, value):
            "XDR enum \(type) has no value \(value)"
        case let .invalidUnionDiscriminant(type, value):
            "XDR union \(type) has no arm for discriminant \(value)"
        case .invalidUTF8:
            "XDR string is not valid UTF-8"
        case let .wrongFixedLength(expected, actual):
            "XDR fixed opaque needs \(expected) bytes, got \(actual)"
        case let .trailingBytes(count):
            "XDR payload has \(count) unexpected trailing bytes"
        }
    }
}
