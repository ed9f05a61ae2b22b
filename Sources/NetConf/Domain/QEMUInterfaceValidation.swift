import NetCore

/// The QEMU driver's checks on a NIC when a domain is defined, made once the default model is known.
/// Checks that depend on the QEMU binary's capabilities are left to the guest driver.
extension DomainInterface {
    /// Interface types whose host side can be given an MTU.
    private var supportsMTU: Bool {
        switch type {
        case .network, .bridge, .ethernet, .vhostuser: true
        case .user: backend?.kind == .passt
        default: false
        }
    }

    /// Refuses what QEMU cannot do with this NIC.
    public func validateForQEMU() throws(PatchbayError) {
        let virtio = model?.isVirtio ?? false
        if type == .vhostuser && !virtio { throw Self.vhostUserModelError }
        try validateGuestIPs()
        // QEMU's VIO bus registers are 32-bit.
        if case .other(.spaprVio, let attributes) = info.address, let text = attributes.first(where: { $0.name == "reg" })?.value,
           let reg = UInt64(text.dropFirst(2), radix: 16), reg > UInt64(UInt32.max) {
            throw PatchbayError(.configUnsupported, "spapr-vio reg='0x\(String(reg, radix: 16))' exceeds maximum possible value (0xffffffff)", domain: .domain)
        }
        // A hostdev NIC's address may still be a USB one to hand out: checked once addresses are known.
        if type != .hostdev { try info.validateForQEMU() }
        if type == .vdpa, let model, !virtio {
            // libvirt names a model it does not know 'unknown'.
            let name = InterfaceModel.knownNames.contains(model.name) ? model.name : "unknown"
            throw PatchbayError(.configUnsupported, "invalid model for interface of type 'vdpa': '\(name)'", domain: .domain)
        }
        if virtio { try driver?.checkQueueSizes() }
        if mtu != nil && !supportsMTU {
            throw PatchbayError(.configUnsupported, "setting MTU on interface type \(type.rawValue) is not supported yet", domain: .domain)
        }
        switch teaming {
        case .persistent where !virtio:
            throw PatchbayError(.configUnsupported, "virtio-net teaming persistent interface must be <model type='virtio'/>, not '\(model?.name ?? "(null)")'", domain: .domain)
        case .transient where type != .hostdev && type != .network:
            throw PatchbayError(.configUnsupported, "virtio-net teaming transient interface must be type='hostdev', not '\(type.rawValue)'", domain: .domain)
        default:
            break
        }
        if coalesceRxFrames != nil && type != .network && type != .bridge {
            throw PatchbayError(.configUnsupported, "coalesce settings on interface type \(type.rawValue) are not supported", domain: .domain)
        }
    }

    /// Guest-side addresses exist only for user-mode networking, one per family, with QEMU's prefix limits.
    private func validateGuestIPs() throws(PatchbayError) {
        guard type == .user else {
            if !ips.isEmpty || !routes.isEmpty {
                throw PatchbayError(.configUnsupported, "Invalid attempt to set network interface guest-side IP route and/or address info, not supported by QEMU", domain: .domain)
            }
            return
        }
        if !routes.isEmpty {
            throw PatchbayError(.configUnsupported, "Invalid attempt to set network interface guest-side IP route, not supported by QEMU", domain: .domain)
        }
        var seen: Set<IPFamily> = []
        for ip in ips {
            if ip.peer != nil {
                throw PatchbayError(.configUnsupported, "Invalid attempt to set peer IP for guest", domain: .domain)
            }
            guard seen.insert(ip.address.family).inserted else {
                let name = ip.address.family == .ipv4 ? "IPv4" : "IPv6"
                throw PatchbayError(.configUnsupported, "Only one \(name) address per interface is allowed", domain: .domain)
            }
            if let prefix = ip.prefix {
                if ip.address.family == .ipv4 && !(4...27).contains(prefix) {
                    throw PatchbayError(.xmlError, "invalid prefix, must be in range of 4-27", domain: .domain)
                }
                if ip.address.family == .ipv6 && prefix != 64 {
                    throw PatchbayError(.configUnsupported, "unsupported IPv6 address prefix='\(prefix)' - must be 64", domain: .domain)
                }
            }
        }
    }
}
