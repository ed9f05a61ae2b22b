import Glibc
import NetCore

/// Kernel switches under /proc/sys.
///
/// `/proc/sys/net` shows the namespace of the thread that opens it, so in another namespace the
/// file is opened from a thread inside it.
public enum Sysctl {
    /// Writes `value` to each of `paths` (in `namespace` when given).
    public static func write(_ value: String, to paths: [String], namespace: String? = nil) throws(PatchbayError) {
        let body: @Sendable () throws(PatchbayError) -> Void = { () throws(PatchbayError) in
            for path in paths { try writeHere(value + "\n", to: path) }
        }
        if let namespace { try NetworkNamespace.run(in: namespace, body).get() } else { try body() }
    }

    /// Turns IPv4 (and, if asked, IPv6) forwarding on, as nat and route networks need.
    public static func enableForwarding(ipv6: Bool = false, namespace: String? = nil) throws(PatchbayError) {
        try write("1", to: ["/proc/sys/net/ipv4/ip_forward"] + (ipv6 ? ["/proc/sys/net/ipv6/conf/all/forwarding"] : []),
                  namespace: namespace)
    }

    /// Turns IPv6 off on one device (host-side macvlans must not send with the guest's MAC).
    public static func disableIPv6(on device: InterfaceName, namespace: String? = nil) throws(PatchbayError) {
        try write("1", to: ["/proc/sys/net/ipv6/conf/\(device.value)/disable_ipv6"], namespace: namespace)
    }

    private static func writeHere(_ text: String, to path: String) throws(PatchbayError) {
        let fd = open(path, O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .system("Unable to open \(path)", errno: errno) }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        guard written == bytes.count else { throw .system("Unable to write \(path)", errno: errno) }
    }
}
