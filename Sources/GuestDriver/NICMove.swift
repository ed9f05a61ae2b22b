import Glibc
import HostNet
import NetConf
import NetCore
import NetDriver

extension NICWiring {
    /// Re-wires the NIC from `record.current` to `desired` as one transaction (DESIGN.md): port on
    /// the destination, link off, attachment, QoS, link on, verify, then the old wiring goes.
    /// Each step registers its undo right after it succeeded; the ledger is written before each
    /// step's host work so that a crash is undone from it (`finishPending`).
    ///
    /// The old attachment is torn down only after the NIC carries traffic on the destination
    /// (deleting a link costs ~46 ms), except when both cannot coexist (same lower device).
    /// `hold` keeps the guest's link down for the wiring's minimum (not needed for a NIC wired
    /// for the first time: its guest has not run yet).
    func move(_ record: inout NICRecord, to desired: NICConnection, bandwidth interfaceBandwidth: Bandwidth?,
              link: GuestLinkControl?, guestLinkKnownDown: Bool, hold: Bool = true) throws(PatchbayError) -> NICChange {
        let started = Self.monotonicMicroseconds()
        let old = record.current
        let nic = record.nic
        var new = NICWire(connection: desired, bandwidth: interfaceBandwidth)
        var undo = UndoStack()
        var stp = false
        let saved = record
        undo.push { [ledger] in try? ledger.save(saved) }
        do throws(PatchbayError) {
            // 1. The destination's port: recorded first, so a crash before it exists is harmless.
            var target: NICAttachmentTarget?
            switch desired {
            case .unplugged:
                target = nil
            case .network(let name, let portgroup):
                let uuid = LibvirtUUID.random()
                new.port = uuid
                record.pending = new
                record.step = .port
                try ledger.save(record)
                let owner = try NetworkPortOwner(name: nic.domain, uuid: nic.domainUUID)
                let request = NetworkPortDefinition(uuid: uuid, owner: owner, group: portgroup, mac: nic.mac, bandwidth: interfaceBandwidth)
                let port = try networks.createPort(network: name, xml: request.formatXML())
                undo.push { [networks] in try? networks.deletePort(network: name, port: uuid) }
                new.bandwidth = port.bandwidth
                target = try Self.target(for: port.plug, network: name)
                stp = networks.bridgeRunsSTP(name: name)
            case .bridge(let bridge):
                target = .bridge(try InterfaceName(bridge))
            case .direct(let dev, let mode):
                target = .direct(lower: try InterfaceName(dev), mode: mode.plugMode)
            }

            // 2. The attachment, named before it exists.
            var planned: NICAttachment?
            if let target {
                planned = try host.plan(tap: nic.tap, mac: nic.mac, target: target, replacing: old.attachment)
            }
            new.attachment = planned
            record.pending = new
            record.step = .attach
            try ledger.save(record)

            // 3. Link off: the flap makes the guest flush its neighbour cache and redo DHCP.
            var linkWentDown: UInt64?
            if let link, !guestLinkKnownDown {
                try link.setLink(alias: nic.alias, up: false)
                linkWentDown = Self.monotonicMicroseconds()
                let wasUp = saved.guestLinkUp
                undo.push { try? link.setLink(alias: nic.alias, up: wasUp) }
            }

            // Same lower device: the old macvlan must go before the new one can exist.
            let breakFirst = planned.map { p in old.attachment.map { p.conflicts(with: $0) } ?? false } ?? false
            if breakFirst, let previous = old.attachment {
                try host.disconnect(tap: nic.tap)
                undo.push { [host] in
                    try? host.prepare(previous)
                    try? host.connect(previous)
                    try? host.applyBandwidth(old.bandwidth, to: previous)
                }
                try host.release(previous)
            }

            // 4. Re-attach and shape.
            if let planned {
                try host.prepare(planned)
                undo.push { [host] in try? host.release(planned) }
            }
            if let planned { try host.connect(planned) } else { try host.disconnect(tap: nic.tap) }
            undo.push { [host] in
                guard !breakFirst else { return }
                if let previous = old.attachment {
                    try? host.connect(previous)
                    try? host.applyBandwidth(old.bandwidth, to: previous)
                } else {
                    try? host.disconnect(tap: nic.tap)
                }
            }
            if let planned { try host.applyBandwidth(new.bandwidth, to: planned) }

            // 5. Link on (when the user wants it), after the hold, then read the kernel back.
            record.current = new
            let work = Self.monotonicMicroseconds() - started
            var down: UInt64 = 0
            if let link, record.guestLinkUp {
                // A link that was down already (unplugged, or set down) needs no hold.
                if hold, saved.guestLinkUp, let linkWentDown {
                    let elapsed = Self.monotonicMicroseconds() - linkWentDown
                    if elapsed < linkDownHoldMicroseconds { usleep(UInt32(min(linkDownHoldMicroseconds - elapsed, 10_000_000))) }
                }
                try link.setLink(alias: nic.alias, up: true)
                down = linkWentDown.map { Self.monotonicMicroseconds() - $0 } ?? 0
                // The guest may still map the destination's gateway to another bridge's MAC (it
                // asked while there, and any host interface answers for any host address), or
                // hold entries that failed during the hold: tell it the right MACs now. Best
                // effort: a guest without them still recovers at its own neighbour timers.
                if let planned { _ = try? host.announce(planned) }
            }
            try host.verify(tap: nic.tap, planned, bandwidth: planned == nil ? nil : new.bandwidth)

            // 6. Commit: from here a crash finishes the move instead of undoing it.
            record.pending = old
            record.step = .committed
            try ledger.save(record)
            undo.forget()
            try? finishPending(&record, link: nil)
            var change = NICChange(kind: .moved, hostMicroseconds: work, stpDelayExpected: stp)
            change.linkDownMicroseconds = down
            return change
        } catch {
            undo.unwind()
            record = saved
            throw error
        }
    }

    /// Where a port's plug puts the tap.
    static func target(for plug: NetworkPortPlug, network: String) throws(PatchbayError) -> NICAttachmentTarget {
        switch plug {
        case .network(let bridge), .bridge(let bridge):
            return .bridge(try InterfaceName(bridge.name))
        case .direct(let direct):
            return .direct(lower: try InterfaceName(direct.device), mode: direct.mode)
        case .none, .hostdevPCI:
            throw PatchbayError(.operationUnsupported,
                                "unable to change config on 'network' network type: network '\(network)' assigns host devices", domain: .domain)
        }
    }

    static func monotonicMicroseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1_000
    }
}
