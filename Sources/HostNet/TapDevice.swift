import CLinuxUAPI
import Glibc
import HostOS
import NetCore
import Netlink

/// A tap device and the file descriptor that backs it: the fd is what QEMU receives.
///
/// The tap lives as long as the descriptor (or until deleted, when made persistent). One tap per
/// guest NIC for the guest's whole life is the central design decision (DESIGN.md).
public final class TapDevice: @unchecked Sendable {
    /// Options for TUNSETIFF.
    public struct Options: Sendable, Equatable {
        /// IFF_VNET_HDR: QEMU exchanges virtio-net headers (offloads).
        public var vnetHeader: Bool
        /// IFF_MULTI_QUEUE: one fd per queue (only the first is opened here).
        public var multiQueue: Bool
        /// Keep the device after the fd closes (TUNSETPERSIST).
        public var persistent: Bool

        /// Creates options; QEMU's defaults are vnet headers on, single queue.
        public init(vnetHeader: Bool = true, multiQueue: Bool = false, persistent: Bool = false) {
            self.vnetHeader = vnetHeader
            self.multiQueue = multiQueue
            self.persistent = persistent
        }
    }

    /// The device's name (as the kernel assigned it when a pattern like `vnet%d` was given).
    public let name: InterfaceName
    /// The open /dev/net/tun descriptor bound to the device.
    public let descriptor: Int32

    private init(name: InterfaceName, descriptor: Int32) {
        self.name = name
        self.descriptor = descriptor
    }

    /// Creates (or attaches to) tap `name` in the calling thread's namespace, or in `namespace`.
    public static func create(_ name: String, options: Options = Options(), namespace: String? = nil) throws(PatchbayError) -> TapDevice {
        guard name.utf8.count <= InterfaceName.maximumLength else {
            throw .xml("interface name '\(name)' is longer than \(InterfaceName.maximumLength) characters")
        }
        let make: @Sendable () throws(PatchbayError) -> TapDevice = { () throws(PatchbayError) in try open(name, options) }
        if let namespace { return try NetworkNamespace.run(in: namespace, make).get() }
        return try make()
    }

    private static func open(_ requested: String, _ options: Options) throws(PatchbayError) -> TapDevice {
        let fd = Glibc.open("/dev/net/tun", O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { throw .system("Unable to open /dev/net/tun", errno: errno) }
        var flags = Int16(IFF_TAP | IFF_NO_PI)
        if options.vnetHeader { flags |= Int16(IFF_VNET_HDR) }
        if options.multiQueue { flags |= Int16(IFF_MULTI_QUEUE) }
        var assigned = [CChar](repeating: 0, count: 16)
        let result = pb_tun_set_iff(fd, requested, flags, &assigned)
        guard result == 0 else {
            close(fd)
            throw .system("Unable to create tap device \(requested)", errno: -result)
        }
        if options.persistent {
            let persisted = pb_tun_set_persist(fd, 1)
            guard persisted == 0 else {
                close(fd)
                throw .system("Unable to make tap device \(requested) persistent", errno: -persisted)
            }
        }
        let text = String(decoding: assigned.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        do {
            return TapDevice(name: try InterfaceName(text), descriptor: fd)
        } catch {
            close(fd)
            throw error
        }
    }

    /// Drops the persist flag so the device disappears with its last descriptor.
    public func makeTransient() throws(PatchbayError) {
        let result = pb_tun_set_persist(descriptor, 0)
        guard result == 0 else { throw .system("Unable to clear persistence of tap device \(name)", errno: -result) }
    }

    deinit { close(descriptor) }
}
