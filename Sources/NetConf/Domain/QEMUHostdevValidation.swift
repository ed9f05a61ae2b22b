import NetCore

/// The QEMU driver's checks on a host device once the definition is complete (addresses assigned).
/// Checks that depend on the QEMU binary's capabilities (zPCI, vfio-ccw, vfio-ap) are left to the guest driver.
extension DomainHostdev {
    /// Refuses what QEMU cannot do with this host device.
    /// - Parameter hasGraphics: whether the domain has a `<graphics>` device (an mdev display needs one).
    public func validateForQEMU(hasGraphics: Bool) throws(PatchbayError) {
        guard case .subsystem(let device) = content else {
            throw PatchbayError(.configUnsupported, "hostdev mode 'capabilities' is not supported in qemu", domain: .domain)
        }
        if case .pci(_, let writeFiltering) = device, writeFiltering != nil {
            throw PatchbayError(.configUnsupported, "Write filtering of PCI device configuration space is not supported by qemu", domain: .domain)
        }
        if device.kind == .mdev, let mdevModel {
            if info.boot != nil {
                throw PatchbayError(.configUnsupported, "booting from assigned devices is not supported by mediated devices of model \(mdevModel.rawValue)", domain: .domain)
            }
            if display == true && !hasGraphics {
                throw PatchbayError(.configUnsupported, "graphics device is needed for attribute value 'display=on' in <hostdev>", domain: .domain)
            }
        }
        try info.validateForQEMU()
    }
}
