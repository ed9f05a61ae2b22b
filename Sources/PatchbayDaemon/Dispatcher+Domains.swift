import GuestDriver
import NetCore
import RemoteProtocol

extension Dispatcher {
    /// virtqemud's procedures: domains and their NICs, answered by the guest driver (nil: not
    /// one of them; the rest are answered NO_SUPPORT).
    func domainCall(_ procedure: RemoteProcedure, payload: [UInt8], session: ClientSession) throws(PatchbayError) -> (any XDREncodable)? {
        guard let domains else { throw procedure.unsupportedError }
        if let result = try domainListCall(procedure, payload: payload, domains: domains) { return result }
        if let result = try domainLifecycleCall(procedure, payload: payload, domains: domains) { return result }
        if let result = try domainQueryCall(procedure, payload: payload, session: session, domains: domains) { return result }
        if let result = try domainInterfaceCall(procedure, payload: payload, domains: domains) { return result }
        return try domainEventCall(procedure, payload: payload, session: session)
    }

    /// Lists, counts and lookups.
    private func domainListCall(_ procedure: RemoteProcedure, payload: [UInt8],
                                domains: any DomainService) throws(PatchbayError) -> (any XDREncodable)? {
        switch procedure {
        case .connectListAllDomains:
            let args = try arguments(ListAllArgs.self, procedure, payload)
            try checkFlags(args.flags, allowed: DomainListFilter.known, procedure, qemu: true)
            let filter = DomainListFilter(rawValue: args.flags)
            let matching = domains.listDomains().filter(filter.matches).map(\.reference)
            return ConnectListAllDomainsRet(domains: args.needResults != 0 ? matching : [], count: UInt32(matching.count))
        case .connectNumOfDomains:
            return IntRet(Int32(clamping: domains.listDomains().filter(\.isActive).count))
        case .connectNumOfDefinedDomains:
            return IntRet(Int32(clamping: domains.listDomains().filter { !$0.isActive }.count))
        case .connectListDomains, .connectListDefinedDomains:
            let args = try arguments(ConnectListNetworksArgs.self, procedure, payload)
            guard args.maxNames >= 0, UInt32(args.maxNames) <= RemoteLimits.domainList else {
                throw PatchbayError(.rpc, "too many remote domains requested", domain: .rpc)
            }
            let all = domains.listDomains()
            if procedure == .connectListDomains {
                return ConnectListDomainsRet(ids: all.filter(\.isActive).prefix(Int(args.maxNames)).map(\.id))
            }
            return ConnectListNetworksRet(names: all.filter { !$0.isActive }.prefix(Int(args.maxNames)).map(\.name))
        case .domainLookupByName:
            return DomainMessage(try domains.lookup(name: try arguments(StringMessage.self, procedure, payload).value).reference)
        case .domainLookupByUUID:
            return DomainMessage(try domains.lookup(uuid: try arguments(NetworkLookupByUUIDArgs.self, procedure, payload).uuid).reference)
        case .domainLookupByID:
            return DomainMessage(try domains.lookup(id: try arguments(IntRet.self, procedure, payload).value).reference)
        default:
            return nil
        }
    }

    /// Define, undefine, start, stop, autostart.
    private func domainLifecycleCall(_ procedure: RemoteProcedure, payload: [UInt8],
                                     domains: any DomainService) throws(PatchbayError) -> (any XDREncodable)? {
        switch procedure {
        case .domainDefineXML:
            return DomainMessage(try domains.define(xml: try arguments(StringMessage.self, procedure, payload).value).reference)
        case .domainDefineXMLFlags:
            let args = try arguments(XMLFlagsArgs.self, procedure, payload)
            // VIR_DOMAIN_DEFINE_VALIDATE: Patchbay always validates.
            try checkFlags(args.flags, allowed: 1, procedure, qemu: true)
            return DomainMessage(try domains.define(xml: args.xml).reference)
        case .domainUndefine:
            try domains.undefine(name: try domain(procedure, payload))
            return XDRVoid()
        case .domainUndefineFlags:
            let args = try arguments(DomainFlagsArgs.self, procedure, payload)
            // MANAGED_SAVE 1, SNAPSHOTS_METADATA 2, NVRAM 4, KEEP_NVRAM 8, CHECKPOINTS_METADATA 16,
            // KEEP_TPM 64: Patchbay keeps none of those, so there is nothing to remove or keep.
            try checkFlags(args.flags, allowed: 0x5f, procedure, qemu: true)
            try domains.undefine(name: args.domain.name)
            return XDRVoid()
        case .domainCreate:
            _ = try domains.start(name: try domain(procedure, payload), paused: false)
            return XDRVoid()
        case .domainCreateWithFlags:
            let args = try arguments(DomainFlagsArgs.self, procedure, payload)
            // VIR_DOMAIN_START_PAUSED 1 (AUTODESTROY, BYPASS_CACHE, FORCE_BOOT, VALIDATE are not offered).
            try checkFlags(args.flags, allowed: 1, procedure, qemu: true)
            return DomainMessage(try domains.start(name: args.domain.name, paused: args.flags & 1 != 0).reference)
        case .domainCreateXML:
            let args = try arguments(XMLFlagsArgs.self, procedure, payload)
            // VIR_DOMAIN_START_PAUSED 1, VIR_DOMAIN_START_VALIDATE 16.
            try checkFlags(args.flags, allowed: 1 | 16, procedure, qemu: true)
            return DomainMessage(try domains.createTransient(xml: args.xml, paused: args.flags & 1 != 0).reference)
        case .domainDestroy:
            try domains.destroy(name: try domain(procedure, payload))
            return XDRVoid()
        case .domainDestroyFlags:
            let args = try arguments(DomainFlagsArgs.self, procedure, payload)
            // VIR_DOMAIN_DESTROY_GRACEFUL 1: QEMU is always killed at once.
            try checkFlags(args.flags, allowed: 1, procedure, qemu: true)
            try domains.destroy(name: args.domain.name)
            return XDRVoid()
        case .domainShutdown:
            try domains.shutdown(name: try domain(procedure, payload))
            return XDRVoid()
        case .domainShutdownFlags:
            let args = try arguments(DomainFlagsArgs.self, procedure, payload)
            // VIR_DOMAIN_SHUTDOWN_DEFAULT 0 or ACPI_POWER_BTN 1: the power button is the only way.
            try checkFlags(args.flags, allowed: 1, procedure, qemu: true)
            try domains.shutdown(name: args.domain.name)
            return XDRVoid()
        case .domainSetAutostart:
            let args = try arguments(DomainSetAutostartArgs.self, procedure, payload)
            try domains.setAutostart(name: args.domain.name, args.autostart != 0)
            return XDRVoid()
        default:
            return nil
        }
    }

    /// XML, info, state and yes/no questions.
    private func domainQueryCall(_ procedure: RemoteProcedure, payload: [UInt8], session: ClientSession,
                                 domains: any DomainService) throws(PatchbayError) -> (any XDREncodable)? {
        switch procedure {
        case .domainGetXMLDesc:
            let args = try arguments(DomainFlagsArgs.self, procedure, payload)
            try checkFlags(args.flags, allowed: 0xf, procedure, qemu: true)
            let flags = DomainXMLFlags(rawValue: args.flags)
            // libvirt keeps secrets from read-only connections.
            if flags.contains(.secure) && session.isReadOnly {
                throw PatchbayError(.operationDenied, "virDomainGetXMLDesc with secure flag", domain: .domain)
            }
            return StringMessage(try domains.xml(name: args.domain.name, flags: flags))
        case .domainGetInfo:
            let summary = try domains.lookup(name: try domain(procedure, payload))
            return DomainGetInfoRet(state: UInt32(summary.state.rawValue), maxMemoryKiB: summary.maxMemoryKiB,
                                    memoryKiB: summary.memoryKiB, vcpus: UInt32(summary.vcpus), cpuTime: summary.cpuTimeNanoseconds)
        case .domainGetState:
            let args = try arguments(DomainFlagsArgs.self, procedure, payload)
            try checkFlags(args.flags, allowed: 0, procedure, qemu: true)
            let summary = try domains.lookup(name: args.domain.name)
            return DomainGetStateRet(state: summary.state.rawValue, reason: summary.reason)
        case .domainGetAutostart:
            return IntRet(try domains.lookup(name: try domain(procedure, payload)).autostart)
        case .domainIsActive:
            return IntRet(try domains.lookup(name: try domain(procedure, payload)).isActive)
        case .domainIsPersistent:
            return IntRet(try domains.lookup(name: try domain(procedure, payload)).isPersistent)
        case .nodeGetSecurityModel:
            return NodeGetSecurityModelRet()
        case .domainIsUpdated:
            // The live definition never differs from what was asked of it by a later call.
            _ = try domains.lookup(name: try domain(procedure, payload))
            return IntRet(false)
        case .domainHasManagedSaveImage, .domainSnapshotNum:
            // Patchbay keeps neither saved images nor snapshots (virsh undefine asks about both).
            let args = try arguments(DomainFlagsArgs.self, procedure, payload)
            _ = try domains.lookup(name: args.domain.name)
            return IntRet(0)
        default:
            return nil
        }
    }

    /// The NIC calls: update-device, domiftune, domifstat, domifaddr.
    private func domainInterfaceCall(_ procedure: RemoteProcedure, payload: [UInt8],
                                     domains: any DomainService) throws(PatchbayError) -> (any XDREncodable)? {
        switch procedure {
        case .domainUpdateDeviceFlags:
            let args = try arguments(DomainXMLFlagsArgs.self, procedure, payload)
            // VIR_DOMAIN_DEVICE_MODIFY_LIVE 1, _CONFIG 2, _FORCE 4 (FORCE only matters to media).
            try checkFlags(args.flags, allowed: 0x7, procedure, qemu: true)
            try domains.updateDevice(name: args.domain.name, xml: args.xml,
                                     flags: DomainModificationFlags(rawValue: args.flags & 0x3))
            return XDRVoid()
        case .domainGetInterfaceParameters:
            let args = try arguments(DomainGetInterfaceParametersArgs.self, procedure, payload)
            // Modification impact plus VIR_TYPED_PARAM_STRING_OKAY (4).
            try checkFlags(args.flags, allowed: 0x7, procedure, qemu: true)
            let bandwidth = try domains.interfaceBandwidth(name: args.domain.name, device: args.device,
                                                           flags: DomainModificationFlags(rawValue: args.flags & 0x3))
            let parameters = bandwidth.typedParameters
            guard args.parameterCount > 0 else {
                return DomainGetInterfaceParametersRet(parameters: [], parameterCount: Int32(parameters.count))
            }
            let kept = Array(parameters.prefix(Int(args.parameterCount)))
            return DomainGetInterfaceParametersRet(parameters: kept, parameterCount: Int32(kept.count))
        case .domainSetInterfaceParameters:
            let args = try arguments(DomainSetInterfaceParametersArgs.self, procedure, payload)
            try checkFlags(args.flags, allowed: 0x3, procedure, qemu: true)
            let flags = DomainModificationFlags(rawValue: args.flags)
            var bandwidth = try domains.interfaceBandwidth(name: args.domain.name, device: args.device, flags: flags)
            try bandwidth.apply(args.parameters)
            try domains.setInterfaceBandwidth(name: args.domain.name, device: args.device, bandwidth, flags: flags)
            return XDRVoid()
        case .domainInterfaceStats:
            let args = try arguments(DomainInterfaceStatsArgs.self, procedure, payload)
            let stats = try domains.interfaceStats(name: args.domain.name, device: args.path)
            return DomainInterfaceStatsRet(rxBytes: stats.rxBytes, rxPackets: stats.rxPackets, rxErrors: stats.rxErrors,
                                           rxDrops: stats.rxDrops, txBytes: stats.txBytes, txPackets: stats.txPackets,
                                           txErrors: stats.txErrors, txDrops: stats.txDrops)
        case .domainInterfaceAddresses:
            let args = try arguments(DomainInterfaceAddressesArgs.self, procedure, payload)
            try checkFlags(args.flags, allowed: 0, procedure, qemu: true)
            guard let source = DomainInterfaceAddressSource(rawValue: args.source) else {
                // libvirtd asks for a running domain before it looks at the source (measured).
                guard try domains.lookup(name: args.domain.name).isActive else {
                    throw PatchbayError(.operationInvalid, "domain is not running", domain: .domain)
                }
                throw PatchbayError(.argumentUnsupported, "Unknown IP address data source \(args.source)", domain: .qemu)
            }
            let interfaces = try domains.interfaceAddresses(name: args.domain.name, source: source)
            return DomainInterfaceAddressesRet(interfaces: interfaces.map {
                DomainInterfaceMessage(name: $0.name, hardwareAddress: $0.hardwareAddress,
                                       addresses: $0.addresses.map { DomainIPAddress(type: $0.type, address: $0.address, prefix: $0.prefix) })
            })
        default:
            return nil
        }
    }

    /// Event registrations: callback style (virsh event, libvirt-python) and the old
    /// one-per-connection style.
    private func domainEventCall(_ procedure: RemoteProcedure, payload: [UInt8],
                                 session: ClientSession) throws(PatchbayError) -> (any XDREncodable)? {
        switch procedure {
        case .connectDomainEventCallbackRegisterAny:
            let args = try arguments(ConnectDomainEventCallbackRegisterAnyArgs.self, procedure, payload)
            guard args.eventID == DomainEventID.lifecycle.rawValue else {
                throw PatchbayError(.argumentUnsupported, "unsupported event ID \(args.eventID)", domain: .domain)
            }
            return EventCallbackMessage(callbackID: broker.register(session, kind: .domainLifecycle, network: args.domain?.uuid))
        case .connectDomainEventCallbackDeregisterAny:
            let args = try arguments(EventCallbackMessage.self, procedure, payload)
            try broker.deregister(session, kind: .domainLifecycle, callbackID: args.callbackID)
            return XDRVoid()
        case .connectDomainEventRegister:
            _ = broker.register(session, kind: .domainLifecycleLegacy, network: nil)
            return IntRet(1)
        case .connectDomainEventDeregister:
            broker.dropAll(session, kind: .domainLifecycleLegacy)
            return IntRet(0)
        default:
            return nil
        }
    }

    /// The domain a `{remote_nonnull_domain dom}` call names.
    private func domain(_ procedure: RemoteProcedure, _ payload: [UInt8]) throws(PatchbayError) -> String {
        try arguments(DomainMessage.self, procedure, payload).domain.name
    }
}

extension DomainSummary {
    /// `remote_nonnull_domain` for this domain.
    var reference: DomainReference { DomainReference(name: name, uuid: uuid, id: id) }

    /// Running or paused: QEMU exists (libvirt's "active").
    var isActive: Bool { id != -1 }
}
