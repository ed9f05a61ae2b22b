import Glibc
import NetCore
import Netlink
import TestSupport

/// The "pool device" of direct attachments in tests: pbpool0, one end of a veth whose
/// other end pblan0 sits, up with `lanAddress`/24, in the `lan` namespace.
enum LANPoolDevice {
    static let name = "pbpool0"

    /// Builds it with `links` (a socket in the host namespace) and returns the pool device's name.
    @discardableResult
    static func build(_ links: Rtnetlink, lan: TestNamespace, lanAddress: String) throws -> InterfaceName {
        let pool = try InterfaceName(name)
        try links.createLink(pool, kind: .veth(peer: InterfaceName("pblan0")))
        let fd = open(lan.path, O_RDONLY | O_CLOEXEC)
        defer { close(fd) }
        try links.setLink(InterfaceName("pblan0"), namespaceFD: fd)
        try links.setLink(pool, up: true)
        let lanLinks = try Rtnetlink(namespace: lan.path)
        try lanLinks.addAddress(IPAddress(lanAddress), prefix: PrefixLength(24, family: .ipv4), to: InterfaceName("pblan0"))
        try lanLinks.setLink(InterfaceName("pblan0"), up: true)
        return pool
    }
}
