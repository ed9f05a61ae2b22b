import NetConf
import NetCore

extension GuestDriver {
    public func destroy(name: String) throws(PatchbayError) {
        try lock.withLock { () throws(PatchbayError) in
            let entry = try domain(name)
            guard var run = entry.run else {
                throw PatchbayError(.operationInvalid, "domain is not running", domain: .qemu)
            }
            // The record says "stopping" before QEMU is touched: a crash from here on finishes the stop.
            run.record.phase = .stopping
            try store.saveRuntime(run.record)
            entry.run = run
            run.monitor?.close()
            if let process = run.record.process { host.terminate(process, grace: 3) }
            finishStop(entry, reason: DomainStateReason.shutoffDestroyed, detail: DomainLifecycleEvent.stoppedDestroyed)
        }
    }

    public func shutdown(name: String) throws(PatchbayError) {
        try lock.withLock { () throws(PatchbayError) in
            let entry = try domain(name)
            guard let run = entry.run, let monitor = run.monitor else {
                throw PatchbayError(.operationInvalid, "domain is not running", domain: .qemu)
            }
            try monitor.systemPowerdown()
        }
    }

    /// QEMU is gone: NICs released (ports back to their networks), run files removed last, the
    /// domain shut off (and forgotten when it was transient). Called with the lock held.
    func finishStop(_ entry: GuestDomain, reason: Int32, detail: Int32) {
        guard let run = entry.run else { return }
        do throws(PatchbayError) { try nics.releaseAll(domain: entry.uuid) } catch {
            problems.append("domain '\(entry.name)': releasing NICs: \(error.message)")
        }
        do throws(PatchbayError) { try store.removeRun(run.record) } catch {
            problems.append("domain '\(entry.name)': removing run files: \(error.message)")
        }
        let id = run.record.id
        entry.run = nil
        entry.state = .shutOff
        entry.reason = reason
        hub.publish(.lifecycle(domain: entry.name, uuid: entry.uuid, id: id, event: DomainLifecycleEvent.stopped, detail: detail))
        if entry.persistent == nil { forget(entry.name) }
    }

    /// From the host's exit watcher: a QEMU that exited by itself (guest power-off, crash, kill
    /// behind the driver's back). A stop the driver made itself has already cleared the run.
    func processExited(name: String, id: Int32) {
        lock.withLock {
            guard let entry = domains[name], let run = entry.run, run.record.id == id, run.record.phase != .stopping else { return }
            run.monitor?.close()
            if run.guestShutdown {
                finishStop(entry, reason: DomainStateReason.shutoffShutdown, detail: DomainLifecycleEvent.stoppedShutdown)
            } else {
                finishStop(entry, reason: DomainStateReason.shutoffCrashed, detail: DomainLifecycleEvent.stoppedCrashed)
            }
        }
    }

    /// From the monitor's reader: QMP events. They are handled on the driver's event queue, in
    /// order: the reader thread must never wait for the driver's lock, which a command waiting
    /// for its reply from that very reader may hold.
    func monitorEvent(name: String, uuid: LibvirtUUID, id: Int32, _ event: GuestMonitorEvent) {
        monitorEvents.async { [weak self] in self?.handleMonitorEvent(name: name, uuid: uuid, id: id, event) }
    }

    private func handleMonitorEvent(name: String, uuid: LibvirtUUID, id: Int32, _ event: GuestMonitorEvent) {
        lock.withLock {
            guard let entry = domains[name], var run = entry.run, run.record.id == id else { return }
            switch event {
            case .shutdown(let guest):
                run.guestShutdown = true
                entry.run = run
                entry.state = .shutdown
                hub.publish(.lifecycle(domain: name, uuid: uuid, id: id, event: DomainLifecycleEvent.shutdown,
                                       detail: guest ? DomainLifecycleEvent.shutdownGuest : DomainLifecycleEvent.shutdownHost))
            case .closed:
                // QEMU may only have dropped the connection: the process decides.
                if let process = run.record.process, !host.isRunning(process), run.record.phase == .running {
                    finishStop(entry, reason: run.guestShutdown ? DomainStateReason.shutoffShutdown : DomainStateReason.shutoffCrashed,
                               detail: run.guestShutdown ? DomainLifecycleEvent.stoppedShutdown : DomainLifecycleEvent.stoppedCrashed)
                }
            }
        }
    }
}
