import NetCore
import Testing

/// MAC facts the domain interface model relies on.
@Test(arguments: [("01:00:5e:00:00:01", true), ("52:54:00:ee:96:6b", false), ("ff:ff:ff:ff:ff:ff", true)])
func multicastBit(text: String, multicast: Bool) throws {
    #expect(try MACAddress(text).isMulticast == multicast)
}
