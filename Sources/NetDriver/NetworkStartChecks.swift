import Glibc
import HostNet
import NetConf
import NetCore
import Netlink

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

/// The refusals a network start makes before touching the host, one per unsupported or absent thing.
enum NetworkStartChecks {
    /// Refuses what this kernel cannot do for `network`, whatever its mode.
    ///
    /// Only the network's own `<vlan>` and `<virtualport>` matter here: a portgroup's vlan or
    /// virtualport (and 802.1Qbg/Qbh/MidoNet profiles, which need lldpad or an agent) only apply
    /// when a port using them is plugged, and are refused there by the guest side.
    static func checkKernelSupport(_ network: NetworkDefinition, features: KernelFeatures) throws(PatchbayError) {
        if network.forwardMode == .hostdev || network.forward?.physicalFunction != nil {
            let what = network.forwardMode == .hostdev ? "forward mode 'hostdev'" : "a <pf> physical function"
            throw PatchbayError(.operationUnsupported,
                                "network '\(network.name)' uses \(what), which needs SR-IOV virtual functions: not supported by this host kernel (no VFIO)")
        }
        if network.virtualPort?.kind == .openvswitch && !features.openvswitch {
            throw PatchbayError(.operationUnsupported,
                                "network '\(network.name)' uses an Open vSwitch bridge (<virtualport type='openvswitch'>): not supported by this host kernel (no openvswitch module)")
        }
        // A network-wide tag applies to every port; libvirt allows it only on passthrough (set on
        // the SR-IOV VF) and Open vSwitch networks (refused above when the kernel lacks it).
        if let vlan = network.vlan {
            let tags = vlan.tags.map { String($0) }.joined(separator: ",")
            if !features.vlan {
                throw PatchbayError(.operationUnsupported,
                                    "network '\(network.name)' tags its ports with VLAN \(tags): 802.1Q VLANs are not supported by this host kernel (no 8021q module)")
            }
            if network.forwardMode == .passthrough && !features.vfio {
                throw PatchbayError(.operationUnsupported,
                                    "network '\(network.name)' tags its ports with VLAN \(tags), which needs SR-IOV virtual functions: not supported by this host kernel (no VFIO)")
            }
        }
    }

    /// The host bridge of a bridge-mode network: it must exist and be a bridge. Nothing is created.
    static func hostBridge(_ name: String, of network: NetworkDefinition, links: Rtnetlink) throws(PatchbayError) -> InterfaceName {
        let bridge = try InterfaceName(name)
        guard let link = try links.link(named: bridge) else {
            throw PatchbayError(.operationFailed,
                                "network '\(network.name)' uses host bridge '\(name)', which does not exist (create it first; Patchbay does not create bridges of forward mode 'bridge')")
        }
        guard link.kind == "bridge" else {
            throw PatchbayError(.operationFailed,
                                "network '\(network.name)' uses host bridge '\(name)', but '\(name)' is a \(link.kind ?? "physical") device, not a bridge")
        }
        return bridge
    }

    /// The pool of a direct-mode network (private, vepa, passthrough, bridge with devices): every
    /// device must exist. Ports attach to them later (DirectAttachment), so nothing is created.
    static func checkPool(of network: NetworkDefinition, links: Rtnetlink) throws(PatchbayError) {
        let mode = network.forwardMode?.rawValue ?? "none"
        let names = network.forward?.pool.compactMap(\.interfaceName) ?? []
        guard !names.isEmpty else {
            throw PatchbayError(.operationFailed,
                                "network '\(network.name)' with forward mode '\(mode)' has no forward devices (give <forward dev=...> or <interface dev=...>)")
        }
        for name in names {
            let device = try InterfaceName(name)
            guard try links.link(named: device) != nil else {
                throw PatchbayError(.operationFailed,
                                    "network '\(network.name)' with forward mode '\(mode)' uses forward device '\(name)', which does not exist on this host")
            }
        }
    }
}
