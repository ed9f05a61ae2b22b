import Glibc

/// Kernel features that some network definitions need and that a host may lack.
///
/// Probed from sysfs/procfs: a module that is loaded (or built in) shows up there. This host's kernel
/// has no 8021q, openvswitch or VFIO at all (see DESIGN.md, "Facts measured"), so a definition
/// that needs them is refused at start with a clear message instead of being half-applied.
public struct KernelFeatures: Sendable, Equatable {
    /// 802.1Q VLAN devices (module 8021q).
    public var vlan: Bool
    /// The Open vSwitch datapath (module openvswitch).
    public var openvswitch: Bool
    /// VFIO device assignment, which SR-IOV virtual functions need to reach a guest.
    public var vfio: Bool

    /// Creates a feature set (tests use it to pretend).
    public init(vlan: Bool, openvswitch: Bool, vfio: Bool) {
        self.vlan = vlan
        self.openvswitch = openvswitch
        self.vfio = vfio
    }

    /// What the running kernel offers now.
    public static func probe() -> KernelFeatures {
        KernelFeatures(vlan: exists("/proc/net/vlan") || exists("/sys/module/8021q"),
                       openvswitch: exists("/sys/module/openvswitch"),
                       vfio: exists("/dev/vfio/vfio") || exists("/sys/module/vfio_pci"))
    }

    private static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }
}
