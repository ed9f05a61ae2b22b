import NetCore
import NetXML

/// net-update of `<ip><dhcp>` hosts and ranges.
extension NetworkDefinition {
    /// The index of the `<ip>` a DHCP update works on: `parentIndex` when >= 0, else the one
    /// with DHCP, else the first IPv4, else the first IPv6 address.
    func dhcpParentIndex(_ parentIndex: Int) throws(PatchbayError) -> Int {
        if parentIndex >= 0 {
            guard parentIndex < ips.count else {
                throw PatchbayError(.operationInvalid,
                                    "couldn't update dhcp host entry - no <ip> element found at index \(parentIndex) in network '\(name)'")
            }
            return parentIndex
        }
        if let index = ips.firstIndex(where: \.hasDHCP) { return index }
        if let index = ips.firstIndex(where: { $0.address.family == .ipv4 }) { return index }
        if let index = ips.firstIndex(where: { $0.address.family == .ipv6 }) { return index }
        throw PatchbayError(.operationInvalid, "couldn't update dhcp host entry - no <ip> element found in network '\(name)'")
    }

    /// libvirt runs DHCP on one address per family only.
    private func checkSingleDHCP(besides index: Int) throws(PatchbayError) {
        let family = ips[index].address.family
        for (other, ip) in ips.enumerated() where other != index && ip.address.family == family && ip.hasDHCP {
            throw PatchbayError(.operationInvalid,
                                "dhcp is supported only for a single \(family == .ipv4 ? "IPv4" : "IPv6") address on each network")
        }
    }

    mutating func updateDHCPHost(_ context: inout NetworkUpdateContext, parentIndex: Int) throws(PatchbayError) {
        try context.expectElement("host", network: name)
        let index = try dhcpParentIndex(parentIndex)
        let partial = context.command == .delete
        let host = try DHCPHost.parse(context.fragment, in: ips[index], network: name, partial: partial)
        if !partial && host.ip?.family != ips[index].address.family {
            throw PatchbayError(.operationInvalid,
                                "the address family of a host entry IP must match the address family of the dhcp element's parent")
        }
        let hosts = ips[index].dhcpHosts
        switch context.command {
        case .modify:
            guard let match = hosts.firstIndex(where: { existing in
                existing.macMatches(host.mac) || (host.ip != nil && host.ip == existing.ip)
                    || (host.name != nil && host.name == existing.name)
            }) else {
                throw PatchbayError(.operationInvalid, "couldn't locate an existing dhcp host entry with \"mac='\(host.mac ?? "unknown")'\" \"name='\(host.name ?? "(null)")'\" \"ip='\(host.ip?.description ?? "unknown")'\" in network '\(name)'")
            }
            ips[index].dhcpHosts[match] = host
        case .addFirst, .addLast:
            try checkSingleDHCP(besides: index)
            if hosts.contains(where: { existing in
                existing.macMatches(host.mac) || (host.name != nil && host.name == existing.name)
                    || (host.ip != nil && host.ip == existing.ip)
            }) {
                throw PatchbayError(.operationInvalid, "there is an existing dhcp host entry in network '\(name)' that matches \"<host mac='\(host.mac ?? "unknown")' name='\(host.name ?? "(null)")' ip='\(host.ip?.description ?? "unknown")'/>\"")
            }
            context.insert(host, into: &ips[index].dhcpHosts)
        case .delete:
            // Every attribute the caller gave must match; a MAC is compared only when both have one.
            guard let match = hosts.firstIndex(where: { existing in
                (host.mac == nil || existing.mac == nil || existing.macMatches(host.mac))
                    && (host.name == nil || host.name == existing.name)
                    && (host.ip == nil || host.ip == existing.ip)
            }) else {
                throw PatchbayError(.operationInvalid, "couldn't locate a matching dhcp host entry in network '\(name)'")
            }
            ips[index].dhcpHosts.remove(at: match)
        case .none:
            throw context.unknownCommand
        }
    }

    mutating func updateDHCPRange(_ context: inout NetworkUpdateContext, parentIndex: Int) throws(PatchbayError) {
        try context.expectElement("range", network: name)
        let index = try dhcpParentIndex(parentIndex)
        if context.command == .modify {
            throw PatchbayError(.operationUnsupported, "dhcp ranges cannot be modified, only added or deleted")
        }
        let range = try DHCPRange.parse(context.fragment, in: ips[index], network: name)
        if range.start.family != ips[index].address.family {
            throw PatchbayError(.operationInvalid,
                                "the address family of a dhcp range must match the address family of the dhcp element's parent")
        }
        let match = ips[index].dhcpRanges.firstIndex { $0.start == range.start && $0.end == range.end }
        switch context.command {
        case .addFirst, .addLast:
            try checkSingleDHCP(besides: index)
            if match != nil {
                throw PatchbayError(.operationInvalid, "there is an existing dhcp range entry in network '\(name)' that matches \"<range start='\(range.start)' end='\(range.end)'/>\"")
            }
            context.insert(range, into: &ips[index].dhcpRanges)
        case .delete:
            guard let match else {
                throw PatchbayError(.operationInvalid, "couldn't locate a matching dhcp range entry in network '\(name)'")
            }
            ips[index].dhcpRanges.remove(at: match)
        case .modify, .none:
            throw context.unknownCommand
        }
    }
}
