/// A rate in libvirt's bandwidth unit: kibibytes per second (KiB/s; libvirt hands it to tc as `kbps`).
public struct KibibytesPerSecond: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The rate in KiB/s.
    public let value: UInt64

    /// Largest rate the kernel's 64-bit byte rates can hold once converted to bytes/s.
    public static let maximum: UInt64 = UInt64.max / 1024

    /// No rate at all.
    public static let zero = KibibytesPerSecond(valid: 0)

    /// Validates a rate.
    public init(_ value: UInt64) throws(PatchbayError) {
        guard value <= Self.maximum else { throw .xml("bandwidth rate \(value) is too large") }
        self.value = value
    }

    private init(valid value: UInt64) { self.value = value }

    /// The sum of `rates` (floors granted on a network, say), saturating at `maximum`: admitted
    /// floors never come near it, and a sum that is not a rate must not trap the daemon.
    public static func total(_ rates: some Sequence<KibibytesPerSecond>) -> KibibytesPerSecond {
        rates.reduce(zero) { $0.adding($1) }
    }

    /// This rate plus `other`, saturating at `maximum`.
    public func adding(_ other: KibibytesPerSecond) -> KibibytesPerSecond {
        KibibytesPerSecond(valid: min(value + other.value, Self.maximum))
    }

    /// This rate less `other`, or zero when `other` is larger.
    public func subtracting(_ other: KibibytesPerSecond) -> KibibytesPerSecond {
        KibibytesPerSecond(valid: value > other.value ? value - other.value : 0)
    }

    /// Parses a decimal rate, naming the attribute in the error.
    public init(parsing text: String, attribute: String) throws(PatchbayError) {
        guard !text.isEmpty, text.allSatisfy(\.isASCII), text.allSatisfy(\.isNumber), let number = UInt64(text) else {
            throw .xml("could not convert bandwidth \(attribute) value '\(text)'")
        }
        try self.init(number)
    }

    /// Bytes per second, as the kernel's traffic control wants them.
    public var bytesPerSecond: UInt64 { value * 1024 }

    /// Decimal text.
    public var description: String { String(value) }

    /// Numeric order.
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.value < rhs.value }
}

/// A burst size in kibibytes (KiB), libvirt's `burst` attribute.
public struct Kibibytes: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The size in KiB.
    public let value: UInt64

    /// Validates a size.
    public init(_ value: UInt64) throws(PatchbayError) {
        guard value <= UInt64.max / 1024 else { throw .xml("bandwidth burst \(value) is too large") }
        self.value = value
    }

    /// Parses a decimal size, naming the attribute in the error.
    public init(parsing text: String, attribute: String) throws(PatchbayError) {
        guard !text.isEmpty, text.allSatisfy(\.isASCII), text.allSatisfy(\.isNumber), let number = UInt64(text) else {
            throw .xml("could not convert bandwidth \(attribute) value '\(text)'")
        }
        try self.init(number)
    }

    /// Size in bytes.
    public var bytes: UInt64 { value * 1024 }

    /// Decimal text.
    public var description: String { String(value) }

    /// Numeric order.
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.value < rhs.value }
}
