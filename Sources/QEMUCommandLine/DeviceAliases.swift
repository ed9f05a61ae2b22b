import NetConf

/// The device ids libvirt's QEMU driver gives NICs and host devices when the guest starts.
///
/// A user alias (`ua-...`) is kept. Other NICs get `netN`, N one more than the highest `netN` so far;
/// a hostdev NIC and every host device get `hostdevN` the same way, hostdev NICs first (libvirt lists
/// them first among the host devices).
public struct DeviceAliases: Hashable, Sendable {
    /// Alias of each interface, in document order.
    public let interfaces: [String]
    /// Alias of each standalone host device, in document order.
    public let hostdevs: [String]

    /// Assigns aliases to the devices of a domain.
    public init(_ devices: DomainNetworkDevices) {
        var nextNet = 0
        var nextHostdev = 0
        // Written netN/hostdevN aliases are not kept by the model (only ua- ones are), so counting
        // from zero in order reproduces libvirt's "highest plus one".
        interfaces = devices.interfaces.map { nic in
            if let alias = nic.info.alias { return alias }
            if nic.type == .hostdev {
                defer { nextHostdev += 1 }
                return "hostdev\(nextHostdev)"
            }
            defer { nextNet += 1 }
            return "net\(nextNet)"
        }
        hostdevs = devices.hostdevs.map { hostdev in
            if let alias = hostdev.info.alias { return alias }
            defer { nextHostdev += 1 }
            return "hostdev\(nextHostdev)"
        }
    }
}
