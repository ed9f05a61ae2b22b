import HostNet
import NetConf
import NetCore
import NetDriver

extension NICWiring {
    /// Completes a change a failure or a crash left in the record: before `.committed` it is
    /// undone (the NIC goes back to `current`), from it finished (the old wiring goes).
    /// Every step is idempotent, so a crash during recovery is recovered the same way.
    func finishPending(_ record: inout NICRecord, link: GuestLinkControl?) throws(PatchbayError) {
        guard let pending = record.pending else { return }
        let nic = record.nic
        if record.step == .committed {
            try retire(pending, keeping: record.current.attachment)
        } else {
            // The destination's attachment leaves first when it holds the old one's lower device.
            let current = record.current.attachment
            let conflicting = pending.attachment.map { p in current.map { p.conflicts(with: $0) } ?? false } ?? false
            if conflicting, let destination = pending.attachment { try host.release(destination) }
            if let current {
                let intact = (try? host.verify(tap: nic.tap, current, bandwidth: record.current.bandwidth)) != nil
                if !intact {
                    try host.prepare(current)
                    try host.connect(current)
                    try host.applyBandwidth(record.current.bandwidth, to: current)
                }
            } else {
                try host.disconnect(tap: nic.tap)
            }
            var destination = pending
            if conflicting { destination.attachment = nil }
            try retire(destination, keeping: current)
            if let link { try link.setLink(alias: nic.alias, up: record.guestLinkUp) }
        }
        record.pending = nil
        record.step = nil
        try ledger.save(record)
    }

    /// After patchbayd restarted (cleanly or not) with `domain` still running: finishes or undoes
    /// interrupted changes, checks each NIC against the kernel and re-wires what differs (a
    /// network restarted meanwhile), and returns the records. `link` restores the guest's
    /// carrier where a change was undone.
    @discardableResult
    public func recover(domain: LibvirtUUID, link: GuestLinkControl?) -> (records: [NICRecord], problems: [String]) {
        lock.withLock {
            var problems: [String] = []
            var result: [NICRecord] = []
            for var record in ledger.all().records where record.nic.domainUUID == domain {
                do throws(PatchbayError) {
                    try finishPending(&record, link: link)
                    try replugIfNeeded(&record, link: link)
                } catch {
                    problems.append("NIC '\(record.nic.alias)': \(error.message)")
                }
                result.append(record)
            }
            return (result.sorted { $0.nic.alias < $1.nic.alias }, problems)
        }
    }

    /// Whether the NIC's port still exists on its network (a network restart deletes them).
    func portExists(_ wire: NICWire) -> Bool {
        guard let port = wire.port, let network = wire.connection.networkName else { return true }
        return (try? networks.port(network: network, uuid: port)) != nil
    }

    /// Plugs the NIC back when its network lost its port or the kernel lost its attachment
    /// (libvirt leaves such NICs detached until its daemon restarts; Patchbay does not).
    func replugIfNeeded(_ record: inout NICRecord, link: GuestLinkControl?) throws(PatchbayError) {
        guard record.current.connection.isPlugged else { return }
        let intact = portExists(record.current)
            && record.current.attachment.map { (try? host.verify(tap: record.nic.tap, $0, bandwidth: record.current.bandwidth)) != nil } ?? false
        guard !intact else { return }
        if !portExists(record.current) {
            // The port went with the network: nothing to release on it.
            record.current.port = nil
            try ledger.save(record)
        }
        if let network = record.current.connection.networkName {
            // A stopped network: its start plugs the NIC back (`networkEvent`).
            guard (try? networks.lookup(name: network))?.isActive == true else { return }
        }
        _ = try move(&record, to: record.current.connection, bandwidth: record.current.bandwidth, link: link, guestLinkKnownDown: false)
    }

    /// Network events: a started network gets its guests' NICs plugged back, off the network
    /// driver's lock (an observer must not call back into the driver).
    func networkEvent(_ event: NetworkEvent) {
        guard case .lifecycle(let network, _, .started) = event else { return }
        restarts.async { [weak self] in self?.replug(network: network) }
    }

    /// Plugs back every NIC whose connection is `network` and whose port is gone.
    func replug(network: String) {
        lock.withLock {
            for var record in ledger.all().records where record.current.connection.networkName == network {
                do throws(PatchbayError) {
                    try finishPending(&record, link: linkControl(record.nic.domainUUID))
                    try replugIfNeeded(&record, link: linkControl(record.nic.domainUUID))
                } catch {
                    restartProblemsStorage.append("network '\(network)': NIC '\(record.nic.alias)' of '\(record.nic.domain)': \(error.message)")
                }
            }
        }
    }

    /// Waits until network-restart re-plugs queued so far are done (tests, orderly shutdown).
    public func waitForReplugs() { restarts.sync {} }

    /// What went wrong plugging NICs back after network restarts.
    public var restartProblems: [String] { lock.withLock { restartProblemsStorage } }
}
