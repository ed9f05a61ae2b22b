import HostOS
import NetConf
import NetCore
import NetXML
import QEMUCommandLine

extension GuestDriver {
    public func start(name: String, paused: Bool) throws(PatchbayError) -> DomainSummary {
        try lock.withLock { () throws(PatchbayError) in
            let entry = try domain(name)
            guard let definition = entry.persistent else { throw Self.noDomain(name) }
            guard entry.run == nil else {
                throw PatchbayError(.operationInvalid, "domain is already running", domain: .qemu)
            }
            try launch(entry, definition: definition, transient: false, paused: paused)
            return summary(entry)
        }
    }

    public func createTransient(xml: String, paused: Bool) throws(PatchbayError) -> DomainSummary {
        let definition = try DomainDefinition.parse(xml)
        return try lock.withLock { () throws(PatchbayError) in
            try checkIdentity(definition)
            if let existing = domains[definition.name], existing.run != nil {
                throw PatchbayError(.operationInvalid, "domain '\(definition.name)' is already active", domain: .qemu)
            }
            let existing = domains[definition.name]
            let entry = existing ?? GuestDomain(name: definition.name, uuid: definition.uuid)
            if existing == nil {
                domains[definition.name] = entry
                order.append(definition.name)
            }
            do throws(PatchbayError) {
                try launch(entry, definition: definition, transient: entry.persistent == nil, paused: paused)
            } catch {
                if existing == nil { forget(definition.name) }
                throw error
            }
            return summary(entry)
        }
    }

    /// Starts QEMU for `entry`: runtime record first, taps, QEMU paused, monitor, NIC wiring,
    /// links of unplugged or down NICs off, live definition, then `cont`. On failure everything
    /// done is undone (QEMU ended, NICs released, files removed) and the error says why.
    func launch(_ entry: GuestDomain, definition: DomainDefinition, transient: Bool, paused: Bool) throws(PatchbayError) {
        try definition.checkRunnable(host: .init(vfio: host.hasVFIO))
        let id = nextID
        nextID += 1
        var record = GuestRuntimeRecord(name: entry.name, uuid: entry.uuid, id: id, phase: .starting,
                                        monitorPath: store.runFile(entry.uuid, "qmp"), pidFile: store.runFile(entry.uuid, "pid"),
                                        transient: transient, paused: paused)
        // The record exists before any tap or process does, so a crash from here on is found.
        try store.saveRuntime(record)
        var monitor: GuestMonitor?
        do throws(PatchbayError) {
            let devices = try GuestNetworkDevices(domain: Self.tapBacked(definition).element())
            let aliases = devices.aliases.interfaces
            var taps: [GuestTap] = []
            for interface in definition.interfaces {
                // A name the user gave is kept; libvirt's generated ones (vnetN) are chosen anew.
                let given = interface.target?.dev.flatMap { dev in
                    DomainInterface.generatedNamePrefixes.contains { dev.hasPrefix($0) } ? nil : dev
                }
                taps.append(try host.createTap(name: given))
            }
            record.taps = zip(aliases, taps).map { ($0, $1.tapName) }
            try store.saveRuntime(record)
            var descriptors: [Int32: Int32] = [:]
            var childFD: Int32 = 3
            var tapFDs: [String: Int32] = [:]
            for (alias, tap) in zip(aliases, taps) {
                descriptors[childFD] = tap.descriptor
                tapFDs[alias] = childFD
                childFD += 1
            }
            // vhost-net needs a descriptor the driver opens per NIC: not yet, QEMU's own data path is used.
            var capabilities = QEMUCapabilities.current
            capabilities.vhostNet = false
            let runtime = GuestRuntime(domainID: Int(id), domainName: entry.name, stateDirectory: store.stateDirectory)
            let network = try GuestNetworkArguments(devices: devices, capabilities: capabilities, runtime: runtime) { descriptor in
                if case .tap(let alias, _) = descriptor, let fd = tapFDs[alias] { return String(fd) }
                return "-1"
            }
            let arguments = try GuestMachineArguments.commandLine(
                definition, runtime: runtime, paths: .init(monitor: record.monitorPath, pidFile: record.pidFile), network: network)
            let logFile = store.runFile(entry.uuid, "log")
            let process = try host.spawnQEMU(executable: definition.emulator ?? defaultEmulator, arguments: arguments,
                                             descriptors: descriptors, logFile: logFile)
            record.process = process
            record.phase = .spawned
            try store.saveRuntime(record)
            // QEMU holds the taps now; they go when it exits.
            taps.removeAll()
            let uuid = entry.uuid, name = entry.name
            do throws(PatchbayError) {
                monitor = try host.connectMonitor(path: record.monitorPath, timeout: 30) { [weak self] event in
                    self?.monitorEvent(name: name, uuid: uuid, id: id, event)
                }
            } catch {
                throw PatchbayError(error.code, "\(error.detail)\(Self.logTail(logFile))", domain: error.domain)
            }
            var live = definition
            guard let monitor else { throw PatchbayError(.internalError, "no monitor", domain: .qemu) }
            let setLink = Self.linkSetter(monitor)
            for (index, slot) in record.taps.enumerated() {
                var interface = definition.interfaces[index]
                interface.target = DomainInterface.Target(dev: slot.tap, managed: interface.target?.managed)
                interface.info.alias = slot.alias
                live.interfaces[index] = interface
                if interface.type == .null {
                    // Unplugged: the tap stays attached to nothing and the guest sees no carrier.
                    try monitor.setLink(alias: slot.alias, up: false)
                } else {
                    try nics.connect(interface, slot: GuestNIC(domain: name, domainUUID: uuid, alias: slot.alias, tap: try InterfaceName(slot.tap),
                                                               mac: interface.mac.address, model: interface.model?.name),
                                     link: setLink)
                    if interface.linkState == .down { try monitor.setLink(alias: slot.alias, up: false) }
                }
            }
            try fillPtyPaths(&live, monitor: monitor)
            try store.saveLive(live.xml(liveID: id), name: name)
            if !paused { try monitor.cont() }
            record.phase = .running
            try store.saveRuntime(record)
            entry.run = GuestRun(definition: live, record: record, monitor: monitor)
            entry.state = paused ? .paused : .running
            entry.reason = paused ? DomainStateReason.pausedUser : DomainStateReason.runningBooted
            host.watchExit(process) { [weak self] in self?.processExited(name: name, id: id) }
        } catch {
            monitor?.close()
            abandon(record)
            throw error
        }
        publish(entry, DomainLifecycleEvent.started, DomainLifecycleEvent.startedBooted)
        if paused { publish(entry, DomainLifecycleEvent.suspended, DomainLifecycleEvent.suspendedPaused) }
    }

    /// Undoes a start that did not finish, or a run found half-done after a crash: QEMU (known by
    /// its record, or by the pid file it wrote) ended, NICs released, the run's files removed last.
    func abandon(_ record: GuestRuntimeRecord) {
        let process = record.process ?? host.findQEMU(pidFile: record.pidFile, marker: record.monitorPath)
        if let process { host.terminate(process, grace: 3) }
        do throws(PatchbayError) { try nics.releaseAll(domain: record.uuid) } catch {
            problems.append("domain '\(record.name)': releasing NICs: \(error.message)")
        }
        do throws(PatchbayError) { try store.removeRun(record) } catch {
            problems.append("domain '\(record.name)': removing run files: \(error.message)")
        }
    }

    /// NetConf's device model refuses `type='null'` for QEMU (it has no netdev): Patchbay backs
    /// an unplugged NIC with its tap like any other, so its arguments are those of an `ethernet` NIC.
    static func tapBacked(_ definition: DomainDefinition) -> DomainDefinition {
        var copy = definition
        for index in copy.interfaces.indices where copy.interfaces[index].type == .null {
            copy.interfaces[index].type = .ethernet
            copy.interfaces[index].source = .ethernet(ips: [], routes: [])
        }
        return copy
    }

    /// A pty serial port shows its host device in the live definition, as libvirt's does.
    func fillPtyPaths(_ live: inout DomainDefinition, monitor: GuestMonitor) throws(PatchbayError) {
        guard live.serials.contains(where: { $0.type == "pty" }) else { return }
        let chardevs = try monitor.chardevs()
        for index in live.serials.indices where live.serials[index].type == "pty" {
            guard let host = chardevs["charserial\(live.serials[index].targetPort ?? 0)"], host.hasPrefix("pty:") else { continue }
            live.serials[index].path = String(host.dropFirst(4))
        }
        for index in live.consoles.indices where live.consoles[index].type == "pty" && live.consoles[index].targetType == "serial" {
            live.consoles[index].path = live.serials.first { $0.targetPort == live.consoles[index].targetPort }?.path
        }
    }

    /// `set_link` on the guest's monitor, for the NIC wiring.
    static func linkSetter(_ monitor: GuestMonitor) -> GuestLinkSetter {
        { alias, up throws(PatchbayError) in try monitor.setLink(alias: alias, up: up) }
    }

    /// The last lines QEMU wrote, to explain a failed start.
    static func logTail(_ path: String) -> String {
        guard let text = AtomicFile.readText(path)?.trimmingWhitespace, !text.isEmpty else { return "" }
        return ": " + text.split(separator: "\n").suffix(3).joined(separator: "; ")
    }
}
