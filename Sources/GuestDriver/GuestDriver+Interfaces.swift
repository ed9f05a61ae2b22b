import NetConf
import NetCore
import NetXML

/// The NIC calls of `DomainService`: the lifecycle finds the NIC and its run, the NIC wiring
/// (`GuestNICPlumbing`) re-wires it.
extension GuestDriver {
    /// libvirt's update-device for an `<interface>`: live (re-wired through the NIC wiring: plug,
    /// unplug, move, link, bandwidth — a transaction that ends where it began on failure), in the
    /// persistent definition, or both. Only `<interface>` documents are handled.
    public func updateDevice(name: String, xml: String, flags: DomainModificationFlags) throws(PatchbayError) {
        var element = try XMLParser.parse(xml)
        guard element.name == "interface" else {
            throw PatchbayError(.operationUnsupported, "live update of device '\(element.name)' is not supported", domain: .qemu)
        }
        // The seed's type='none' is Patchbay's alias of type='null' (unplugged).
        if let index = element.attributes.firstIndex(where: { $0.name == "type" && $0.value == "none" }) {
            element.attributes[index].value = InterfaceType.null.rawValue
        }
        let requested = try DomainInterface(xml: element)
        let macGiven = element.element("mac") != nil
        try lock.withLock { () throws(PatchbayError) in
            let entry = try domain(name)
            let (live, config) = try impact(entry, flags)
            // The live change first: if it fails, the stored definition is left as it was.
            if live, var run = entry.run {
                let index = try NICUpdate.find(requested, in: run.definition.interfaces, macGiven: macGiven)
                let current = run.definition.interfaces[index]
                let updated = Self.completed(requested, from: current, keepRuntime: true)
                try NICUpdate.check(current: current, requested: updated)
                try updated.validateForQEMU()
                guard let alias = current.info.alias, let tap = current.target?.dev, let monitor = run.monitor else {
                    throw PatchbayError(.operationFailed, "interface \(current.mac.address) has no live device", domain: .qemu)
                }
                try nics.connect(updated, slot: GuestNIC(domain: entry.name, domainUUID: entry.uuid, alias: alias, tap: try InterfaceName(tap),
                                                         mac: current.mac.address, model: current.model?.name),
                                 link: Self.linkSetter(monitor))
                run.definition.interfaces[index] = updated
                entry.run = run
                try store.saveLive(run.definition.xml(liveID: run.record.id), name: entry.name)
                hub.publish(.nicChanged(domain: entry.name, uuid: entry.uuid, id: run.record.id, alias: alias))
            }
            if config, var persistent = entry.persistent {
                let index = try NICUpdate.find(requested, in: persistent.interfaces, macGiven: macGiven)
                let current = persistent.interfaces[index]
                let updated = Self.completed(requested, from: current, keepRuntime: false)
                try NICUpdate.check(current: current, requested: updated)
                persistent.interfaces[index] = updated
                try store.saveDefinition(persistent.xml(), name: entry.name)
                entry.persistent = persistent
            }
        }
    }

    /// What a call's flags touch: libvirt's "current" is live when running, else the config.
    func impact(_ entry: GuestDomain, _ flags: DomainModificationFlags) throws(PatchbayError) -> (live: Bool, config: Bool) {
        let running = entry.run != nil
        var live = flags.contains(.live), config = flags.contains(.config)
        if !live && !config {
            live = running
            config = !running
        }
        if live && !running {
            throw PatchbayError(.operationInvalid, "domain is not running", domain: .qemu)
        }
        if config && entry.persistent == nil {
            throw PatchbayError(.operationInvalid, "cannot change persistent config of a transient domain", domain: .qemu)
        }
        return (live, config)
    }

    /// The requested `<interface>` with what it may leave out taken from the NIC it changes: the
    /// model and PCI address the driver chose, and (live) the runtime alias and tap.
    static func completed(_ requested: DomainInterface, from current: DomainInterface, keepRuntime: Bool) -> DomainInterface {
        var updated = requested
        if updated.model == nil { updated.model = current.model }
        if updated.info.address == nil { updated.info.address = current.info.address }
        if keepRuntime || updated.info.alias == nil { updated.info.alias = current.info.alias }
        if keepRuntime { updated.target = current.target }
        return updated
    }

    /// The NIC a `domif*` call names: its target dev (tap) or MAC.
    func findNIC(_ interfaces: [DomainInterface], device: String) throws(PatchbayError) -> Int {
        if let index = interfaces.firstIndex(where: { $0.target?.dev == device || $0.mac.address.description == device.lowercased() }) {
            return index
        }
        throw PatchbayError(.invalidArg, "invalid path, '\(device)' is not a known interface", domain: .qemu)
    }

    public func interfaceBandwidth(name: String, device: String, flags: DomainModificationFlags) throws(PatchbayError) -> DomainInterfaceBandwidth {
        try lock.withLock { () throws(PatchbayError) in
            let entry = try domain(name)
            let (live, _) = try impact(entry, flags)
            guard let definition = live ? entry.run?.definition : entry.persistent else { throw Self.noDomain(name) }
            let nic = definition.interfaces[try findNIC(definition.interfaces, device: device)]
            var result = DomainInterfaceBandwidth()
            result.inboundAverage = nic.bandwidth?.inbound?.average?.value ?? 0
            result.inboundPeak = nic.bandwidth?.inbound?.peak?.value ?? 0
            result.inboundBurst = nic.bandwidth?.inbound?.burst?.value ?? 0
            result.inboundFloor = nic.bandwidth?.inbound?.floor?.value ?? 0
            result.outboundAverage = nic.bandwidth?.outbound?.average?.value ?? 0
            result.outboundPeak = nic.bandwidth?.outbound?.peak?.value ?? 0
            result.outboundBurst = nic.bandwidth?.outbound?.burst?.value ?? 0
            return result
        }
    }

    /// `domiftune` with new values: the NIC's `<interface>` with that bandwidth goes through update-device.
    public func setInterfaceBandwidth(name: String, device: String, _ bandwidth: DomainInterfaceBandwidth,
                                      flags: DomainModificationFlags) throws(PatchbayError) {
        let document: String = try lock.withLock { () throws(PatchbayError) in
            let entry = try domain(name)
            let (live, _) = try impact(entry, flags)
            guard let definition = live ? entry.run?.definition : entry.persistent else { throw Self.noDomain(name) }
            var nic = definition.interfaces[try findNIC(definition.interfaces, device: device)]
            func rate(_ average: UInt64, _ peak: UInt64, _ burst: UInt64, _ floor: UInt64) throws(PatchbayError) -> BandwidthRate? {
                guard average > 0 || floor > 0 else { return nil }
                return try BandwidthRate(average: average > 0 ? try KibibytesPerSecond(average) : nil,
                                         peak: peak > 0 ? try KibibytesPerSecond(peak) : nil,
                                         floor: floor > 0 ? try KibibytesPerSecond(floor) : nil,
                                         burst: burst > 0 ? try Kibibytes(burst) : nil)
            }
            let inbound = try rate(bandwidth.inboundAverage, bandwidth.inboundPeak, bandwidth.inboundBurst, bandwidth.inboundFloor)
            let outbound = try rate(bandwidth.outboundAverage, bandwidth.outboundPeak, bandwidth.outboundBurst, 0)
            nic.bandwidth = inbound == nil && outbound == nil ? nil : try Bandwidth(inbound: inbound, outbound: outbound)
            return XMLWriter.document(nic.xml(active: false))
        }
        try updateDevice(name: name, xml: document, flags: flags)
    }

    /// `domifstat`: the tap's counters from the guest's side (what the host's tap sends, the guest receives).
    public func interfaceStats(name: String, device: String) throws(PatchbayError) -> DomainInterfaceStats {
        try lock.withLock { () throws(PatchbayError) in
            let entry = try domain(name)
            guard let run = entry.run else { throw PatchbayError(.operationInvalid, "domain is not running", domain: .qemu) }
            let nic = run.definition.interfaces[try findNIC(run.definition.interfaces, device: device)]
            guard let tap = nic.target?.dev, let host = host.tapCounters(tap) else {
                throw PatchbayError(.operationFailed, "interface \(device) has no statistics", domain: .qemu)
            }
            var stats = DomainInterfaceStats()
            (stats.rxBytes, stats.rxPackets, stats.rxErrors, stats.rxDrops) = (host[4], host[5], host[6], host[7])
            (stats.txBytes, stats.txPackets, stats.txErrors, stats.txDrops) = (host[0], host[1], host[2], host[3])
            return stats
        }
    }

    /// `domifaddr --source lease`: the DHCP leases Patchbay networks gave each NIC's MAC.
    public func interfaceAddresses(name: String, source: DomainInterfaceAddressSource) throws(PatchbayError) -> [DomainInterfaceAddresses] {
        guard source == .lease else {
            throw PatchbayError(.argumentUnsupported, "only the lease source of interface addresses is supported", domain: .qemu)
        }
        return try lock.withLock { () throws(PatchbayError) in
            let entry = try domain(name)
            guard let run = entry.run else { throw PatchbayError(.operationInvalid, "domain is not running", domain: .qemu) }
            var result: [DomainInterfaceAddresses] = []
            for nic in run.definition.interfaces {
                let live = nics.liveInterface(nic, domain: entry.uuid, alias: nic.info.alias ?? "")
                guard case .network(let network, _, _) = live.source, let networks else { continue }
                let mac = live.mac.address.description
                let leases = (try? networks.dhcpLeases(name: network, mac: mac)) ?? []
                guard !leases.isEmpty else { continue }
                result.append(DomainInterfaceAddresses(name: live.target?.dev ?? "", hardwareAddress: mac, addresses: leases.map {
                    .init(type: $0.family == .ipv4 ? 0 : 1, address: $0.address, prefix: $0.prefix)
                }))
            }
            return result
        }
    }
}
