/// A Linux network interface name: 1 to 15 bytes, no `/`, no white space, not `.` or `..`.
public struct InterfaceName: Hashable, Sendable, CustomStringConvertible, Comparable {
    /// The kernel's IFNAMSIZ minus the terminating NUL.
    public static let maximumLength = 15

    /// The name as given.
    public let value: String

    /// Validates a name the kernel would accept.
    public init(_ value: String) throws(PatchbayError) {
        guard !value.isEmpty else { throw .xml("interface name must not be empty") }
        guard value.utf8.count <= Self.maximumLength else {
            throw .xml("interface name '\(value)' is longer than \(Self.maximumLength) characters")
        }
        guard value != ".", value != "..",
              !value.unicodeScalars.contains(where: { $0 == "/" || $0 == ":" || $0.properties.isWhitespace || $0.value < 0x20 })
        else {
            throw .xml("interface name '\(value)' contains a character the kernel refuses ('/', ':', space or control) or is '.'/'..'")
        }
        self.value = value
    }

    public var description: String { value }

    /// Orders names lexically.
    public static func < (lhs: InterfaceName, rhs: InterfaceName) -> Bool { lhs.value < rhs.value }
}
