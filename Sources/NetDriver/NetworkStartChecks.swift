import HostNet
import NetConf
import NetCore

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
}
