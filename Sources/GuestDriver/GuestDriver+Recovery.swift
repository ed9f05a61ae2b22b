import NetConf
import NetCore

extension GuestDriver {
    /// Reads the persistent definitions and autostart marks.
    func loadDefinitions() {
        for text in store.definitions() {
            do throws(PatchbayError) {
                let definition = try DomainDefinition.parse(text)
                let entry = GuestDomain(name: definition.name, uuid: definition.uuid)
                entry.persistent = definition
                entry.autostart = store.isAutostart(definition.name)
                domains[definition.name] = entry
                order.append(definition.name)
            } catch {
                problems.append("stored definition refused: \(error.message)")
            }
        }
    }

    /// Finds each recorded run again. A guest whose QEMU is the recorded one (pid and start time,
    /// not a zombie) keeps running: its monitor is reconnected and its NICs' wiring checked. A
    /// start or a stop that a crash interrupted is finished (QEMU ended, NICs released); a guest
    /// that died meanwhile is reported shut off with its ports released.
    func recoverRuns() {
        for (record, liveText) in store.runs() {
            nextID = max(nextID, record.id + 1)
            let running = record.process.map { host.isRunning($0) } ?? false
            guard record.phase == .running, running, let process = record.process,
                  let liveText, var live = try? DomainDefinition.parse(liveText) else {
                if record.phase == .running && !running {
                    problems.append("domain '\(record.name)' died while patchbayd was away: shut off, ports released")
                }
                abandon(record)
                if let entry = domains[record.name] { entry.reason = DomainStateReason.shutoffUnknown }
                continue
            }
            // A live definition re-read loses runtime names (vnetN, netN): the record has them.
            for (index, slot) in record.taps.enumerated() where index < live.interfaces.count {
                live.interfaces[index].target = DomainInterface.Target(dev: slot.tap, managed: live.interfaces[index].target?.managed)
                live.interfaces[index].info.alias = slot.alias
            }
            let entry: GuestDomain
            if let existing = domains[record.name], existing.uuid == record.uuid {
                entry = existing
            } else {
                entry = GuestDomain(name: record.name, uuid: record.uuid)
                domains[record.name] = entry
                order.append(record.name)
            }
            let name = record.name, uuid = record.uuid, id = record.id
            var monitor: GuestMonitor?
            do throws(PatchbayError) {
                monitor = try host.connectMonitor(path: record.monitorPath, timeout: 10) { [weak self] event in
                    self?.monitorEvent(name: name, uuid: uuid, id: id, event)
                }
            } catch {
                problems.append("domain '\(name)': monitor not reconnected: \(error.message)")
            }
            var setLink: GuestLinkSetter?
            if let monitor { setLink = Self.linkSetter(monitor) }
            problems += nics.recoverNICs(domain: uuid, link: setLink).map { "domain '\(name)': \($0)" }
            entry.run = GuestRun(definition: live, record: record, monitor: monitor)
            entry.state = record.paused ? .paused : .running
            entry.reason = record.paused ? DomainStateReason.pausedUser : DomainStateReason.runningBooted
            host.watchExit(process) { [weak self] in self?.processExited(name: name, id: id) }
        }
    }

    /// Starts every autostart domain that is not running.
    func autostartAll() {
        let names = lock.withLock { order.filter { domains[$0]?.autostart == true && domains[$0]?.run == nil } }
        for name in names {
            do throws(PatchbayError) { _ = try start(name: name, paused: false) } catch {
                lock.withLock { problems.append("autostart of '\(name)' failed: \(error.message)") }
            }
        }
    }
}
