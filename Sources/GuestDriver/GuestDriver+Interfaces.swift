import NetConf
import NetCore

/// The NIC calls of `DomainService` belong to the NIC wiring (the `nic` part): until it provides
/// them they are refused with libvirt's "not supported" rather than pretending.
extension GuestDriver {
    static func notYet(_ what: String) -> PatchbayError {
        PatchbayError(.operationUnsupported, "\(what) is not available in this build of the guest driver", domain: .qemu)
    }

    public func updateDevice(name: String, xml: String, flags: DomainModificationFlags) throws(PatchbayError) {
        throw Self.notYet("update-device")
    }

    public func interfaceBandwidth(name: String, device: String, flags: DomainModificationFlags) throws(PatchbayError) -> DomainInterfaceBandwidth {
        throw Self.notYet("domiftune")
    }

    public func setInterfaceBandwidth(name: String, device: String, _ bandwidth: DomainInterfaceBandwidth,
                                      flags: DomainModificationFlags) throws(PatchbayError) {
        throw Self.notYet("domiftune")
    }

    public func interfaceStats(name: String, device: String) throws(PatchbayError) -> DomainInterfaceStats {
        throw Self.notYet("domifstat")
    }

    public func interfaceAddresses(name: String, source: DomainInterfaceAddressSource) throws(PatchbayError) -> [DomainInterfaceAddresses] {
        throw Self.notYet("domifaddr")
    }
}
