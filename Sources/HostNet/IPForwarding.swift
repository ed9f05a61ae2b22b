import Glibc
import NetCore
import Netlink

/// The kernel's IP forwarding switches, which nat and route networks need on.
///
/// `/proc/sys/net` shows the namespace of the thread that opens it, so in another namespace the
/// file is opened from a thread inside it.
public enum IPForwarding {
    /// Turns IPv4 (and, if asked, IPv6) forwarding on.
    public static func enable(ipv6: Bool = false, namespace: String? = nil) throws(PatchbayError) {
        let paths = ["/proc/sys/net/ipv4/ip_forward"] + (ipv6 ? ["/proc/sys/net/ipv6/conf/all/forwarding"] : [])
        let body: @Sendable () throws(PatchbayError) -> Void = { () throws(PatchbayError) in
            for path in paths { try write("1\n", to: path) }
        }
        if let namespace { try NetworkNamespace.run(in: namespace, body).get() } else { try body() }
    }

    private static func write(_ text: String, to path: String) throws(PatchbayError) {
        let fd = open(path, O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .system("Unable to open \(path)", errno: errno) }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        guard written == bytes.count else { throw .system("Unable to write \(path)", errno: errno) }
    }
}
