/// What the QEMU binary accepts, as far as NIC and host-device arguments depend on it.
public struct QEMUCapabilities: Hashable, Sendable {
    /// `-device` takes a JSON object (QEMU 7.0 on x86 and libvirt's "latest"): else key=value.
    public var jsonDevice: Bool
    /// `-netdev` takes a JSON object: else key=value.
    public var jsonNetdev: Bool
    /// vfio-pci is available for PCI host devices.
    public var vfioPCI: Bool
    /// QEMU has the `virtio-net-pci-transitional`/`-non-transitional` devices (else libvirt spells
    /// non-transitional as `disable-legacy=on,disable-modern=off` on the plain device).
    public var virtioTransitionalDevices: Bool
    /// The host has `/dev/vhost-net`: virtio NICs on a tap get the in-kernel data path.
    public var vhostNet: Bool

    public init(jsonDevice: Bool = false, jsonNetdev: Bool = false, vfioPCI: Bool = false,
                virtioTransitionalDevices: Bool = false, vhostNet: Bool = true) {
        self.jsonDevice = jsonDevice
        self.jsonNetdev = jsonNetdev
        self.vfioPCI = vfioPCI
        self.virtioTransitionalDevices = virtioTransitionalDevices
        self.vhostNet = vhostNet
    }

    /// A current QEMU (7.2 and later on x86, as on this host): JSON everywhere, vfio-pci.
    public static let current = QEMUCapabilities(jsonDevice: true, jsonNetdev: true, vfioPCI: true, virtioTransitionalDevices: true)
}
