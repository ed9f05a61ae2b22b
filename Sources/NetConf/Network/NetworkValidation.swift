import NetCore

/// The checks libvirt's network driver makes when a network is defined or created (after parsing):
/// settings that only make sense for networks libvirt runs a bridge for, one DHCP server per
/// address family, VLAN support, portgroups and QoS.
extension NetworkDefinition {
    /// Refuses a definition the network driver would refuse to define or start.
    public func validateForDefine() throws(PatchbayError) {
        if name.contains("\n") { throw PatchbayError(.xmlDetail, "invalid char in name: 0x0a") }
        let mode = forward?.mode
        let modeName = mode?.rawValue ?? "none"
        // Only networks with a libvirt-managed bridge have a host-side MAC, IP, DNS or domain.
        let libvirtBridge = mode?.hasLibvirtBridge ?? true
        let bandwidthAllowed = libvirtBridge || (mode == .bridge && bridge.name != nil)
        if !libvirtBridge {
            if mac != nil { throw .unsupported("Unsupported <mac> element in network \(name) with forward mode='\(modeName)'") }
            if !ips.isEmpty { throw .unsupported("Unsupported <ip> element in network \(name) with forward mode='\(modeName)'") }
            if !(dns.txtRecords.isEmpty && dns.hosts.isEmpty && dns.srvRecords.isEmpty) {
                throw .unsupported("Unsupported <dns> element in network \(name) with forward mode='\(modeName)'")
            }
            if domain != nil { throw .unsupported("Unsupported <domain> element in network \(name) with forward mode='\(modeName)'") }
        }
        if bandwidth != nil && !bandwidthAllowed {
            throw .unsupported("Unsupported network-wide <bandwidth> element in network \(name) with forward mode='\(modeName)'")
        }
        for family in [IPFamily.ipv4, .ipv6] where ips.filter({ $0.address.family == family && $0.hasDHCP }).count > 1 {
            let label = family == .ipv4 ? "IPv4" : "IPv6"
            throw .unsupported("Multiple \(label) dhcp sections found -- dhcp is supported only for a single \(label) address on each network")
        }
        try checkPortgroups()
        try checkVLANUse(modeName: modeName, bandwidthAllowed: bandwidthAllowed)
    }

    /// VLAN tags work only on hostdev/passthrough pools and Open vSwitch bridges.
    private func checkVLANUse(modeName: String, bandwidthAllowed: Bool) throws(PatchbayError) {
        let openvswitch = virtualPort?.kind == .openvswitch
        let vlanAllowed = forward?.mode == .hostdev || forward?.mode == .passthrough
            || (forward?.mode == .bridge && openvswitch)
        let vlanUsed = vlan != nil
        var badUse = false
        for group in portgroups {
            if vlanUsed || group.vlan != nil {
                if let port = group.virtualPort {
                    if forward?.mode != .bridge || port.kind != .openvswitch { badUse = true }
                } else if !vlanAllowed {
                    badUse = true
                }
            }
            if group.bandwidth != nil && !bandwidthAllowed {
                throw .unsupported("Unsupported <bandwidth> element in network '\(name)' in portgroup '\(group.name)' with forward mode='\(modeName)'")
            }
        }
        let hasDefault = portgroups.contains(where: \.isDefault)
        if badUse || (vlanUsed && !vlanAllowed && !hasDefault) {
            throw .xml("<vlan> element specified for network \(name), whose type doesn't support vlan configuration")
        }
    }
}
