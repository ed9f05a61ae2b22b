#if canImport(Glibc)
import Glibc
#endif
import NetCore

extension IPAddress {
    /// Parses an address as libvirt's domain parser does: IPv6 as usual, and IPv4 in every numeric form
    /// the C library's resolver takes ("1.5" is 1.0.0.5, "0x10" is 0.0.0.16), printed back dotted.
    static func parsingLibvirtNumericHost(_ text: String) -> IPAddress? {
        if let address = try? IPAddress(text) { return address }
        #if canImport(Glibc)
        var binary = in_addr()
        guard !text.contains(":"), inet_aton(text, &binary) != 0 else { return nil }
        let value = UInt32(bigEndian: binary.s_addr)
        let octets = [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
        return try? IPAddress(bytes: octets)
        #else
        return nil
        #endif
    }
}
