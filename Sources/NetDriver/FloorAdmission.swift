import NetConf
import NetCore

/// libvirt's rules for `floor`: only on networks with their own bridge and an inbound average,
/// and the floors of all ports together must fit inside that average.
public enum FloorAdmission {
    /// Checks a new port's floor against the network and the floors already granted.
    public static func check(floor: KibibytesPerSecond?, mac: MACAddress, network: NetworkDefinition,
                             grantedTotal: KibibytesPerSecond) throws(PatchbayError) {
        guard let floor, floor.value > 0 else { return }
        guard network.kind.ownsBridge else {
            throw PatchbayError(.operationUnsupported,
                                "Invalid use of 'floor' on interface with MAC address \(mac) - 'floor' is only supported for interface type 'network' with forward type 'nat', 'route', 'open' or none")
        }
        guard let average = network.bandwidth?.inbound?.average else {
            throw PatchbayError(.operationUnsupported,
                                "Invalid use of 'floor' on interface with MAC address \(mac) - network '\(network.name)' has no inbound QoS set")
        }
        guard grantedTotal.value + floor.value <= average.value else {
            throw PatchbayError(.operationInvalid,
                                "Cannot plug '\(mac)' interface into '\(network.name)' because it would overcommit 'floor' on network '\(network.name)': \(grantedTotal) + \(floor.value) KiB/s exceeds the inbound average of \(average.value) KiB/s")
        }
    }
}
