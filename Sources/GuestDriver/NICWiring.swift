import Dispatch
import HostNet
import NetConf
import NetCore
import NetDriver

/// What one `apply` did to a NIC.
public struct NICChange: Sendable, Equatable {
    /// The kind of change.
    public enum Kind: String, Sendable {
        /// Nothing differed.
        case unchanged
        /// Only the link state or the bandwidth changed.
        case adjusted
        /// From unplugged to a connection.
        case plugged
        /// From a connection to unplugged.
        case unplugged
        /// From one connection to another.
        case moved
    }

    /// What happened.
    public var kind: Kind
    /// Host-side work of the change, in microseconds: from its start until the tap is attached
    /// and shaped on the destination, where it carries traffic as soon as the guest's link is on
    /// (the deliberate link-down hold is not counted); 0 when nothing was re-wired.
    public var hostMicroseconds: UInt64
    /// How long the guest's link was down (the deliberate hold included), in microseconds.
    public var linkDownMicroseconds: UInt64 = 0
    /// Set when the destination bridge runs kernel STP: the new port forwards only after
    /// listening + learning (about 4 s here), and Patchbay cannot shorten that (a port's state
    /// cannot be set while kernel STP runs).
    public var stpDelayExpected: Bool

    /// A change.
    public init(kind: Kind, hostMicroseconds: UInt64 = 0, stpDelayExpected: Bool = false) {
        self.kind = kind
        self.hostMicroseconds = hostMicroseconds
        self.stpDelayExpected = stpDelayExpected
    }
}

/// The NIC wiring of the guest driver: brings each guest NIC to the state its `<interface>`
/// asks for — connected at start, plugged, unplugged, moved between networks of any kind,
/// link state, bandwidth — as transactions that end exactly where they began on failure, with a
/// durable per-NIC ledger so that a crash at any instant is recovered (`recover`).
///
/// All operations are serialised by one lock. Ports are taken on Patchbay networks through the
/// `NetworkDriver` (owner = the domain, so `net-port-list` shows them); the tap's host side
/// goes through `GuestNICAttachment`; the guest's carrier through `GuestLinkControl`.
public final class NICWiring: @unchecked Sendable {
    let ledger: NICLedger
    let networks: NetworkDriver
    let host: GuestNICAttachment
    let lock = Lock()
    private let links = Lock()
    private var linkControls: [LibvirtUUID: GuestLinkControl] = [:]
    private var observer: Int?
    /// Network restarts are handled here, off the network driver's lock.
    let restarts = DispatchQueue(label: "patchbay.nic-wiring.network-restart")
    /// Problems met while plugging NICs back after network restarts (for the drift report).
    var restartProblemsStorage: [String] = []
    /// The shortest time the guest's link stays down during a re-wiring.
    let linkDownHoldMicroseconds: UInt64

    /// The default hold. Each `set_link` raises a virtio config interrupt, but the guest reads the
    /// link status once per config work run: off and on sent back to back (~1 ms apart) were both
    /// read as "up" in 1 of 8 to 3 of 16 tries (TCG guest on a loaded 2-core host), and a flap the
    /// guest never sees neither flushes its neighbour cache nor redoes DHCP on the new network.
    /// 2 ms missed 1 of 16 with four guests booting at once, 20 ms none of 50 in TestGuestFlapTests
    /// but once in NICGuestOutageTests (a busier guest); 50 ms still missed 1 of 16 in the full
    /// test suite's parallel run (every core busy, the guest's vCPU waiting for a host CPU). 200 ms
    /// was seen every time. A missed flap costs far more (no DHCP on the new network) than the
    /// hold, so the hold errs long; a KVM guest reacts in microseconds and could take less.
    public static let defaultLinkDownHoldMicroseconds: UInt64 = 200_000

    /// Opens the wiring over `<stateDirectory>/nics`; call `recover` for each running domain.
    /// `linkDownHoldMicroseconds` is the least time a move keeps the guest's link down (0 for
    /// tests without a guest, and for measuring the host's own work).
    public init(stateDirectory: String, networks: NetworkDriver, attachment: GuestNICAttachment,
                linkDownHoldMicroseconds: UInt64 = NICWiring.defaultLinkDownHoldMicroseconds) throws(PatchbayError) {
        self.linkDownHoldMicroseconds = linkDownHoldMicroseconds
        ledger = try NICLedger(stateDirectory: stateDirectory)
        self.networks = networks
        host = attachment
        observer = networks.observe { [weak self] event in self?.networkEvent(event) }
    }

    deinit { if let observer { networks.unsubscribe(observer) } }

    // MARK: link controls

    /// Registers how to flap the links of `domain`'s NICs (used by network-restart re-plugs).
    public func register(domain: LibvirtUUID, link: GuestLinkControl) {
        links.withLock { linkControls[domain] = link }
    }

    /// Forgets `domain`'s link control (its QEMU is gone).
    public func unregister(domain: LibvirtUUID) {
        _ = links.withLock { linkControls.removeValue(forKey: domain) }
    }

    func linkControl(_ domain: LibvirtUUID) -> GuestLinkControl? { links.withLock { linkControls[domain] } }

    // MARK: reading

    /// The NIC's record, nil when the wiring never saw it.
    public func record(domain: LibvirtUUID, alias: String) -> NICRecord? {
        lock.withLock { try? ledger.load(domain: domain, alias: alias) }
    }

    /// Every NIC record of `domain`, by alias.
    public func records(domain: LibvirtUUID) -> [NICRecord] {
        lock.withLock { ledger.all().records.filter { $0.nic.domainUUID == domain }.sorted { $0.nic.alias < $1.nic.alias } }
    }

    /// `interface` as the live definition shows it: the connection in effect (with its port id),
    /// and the link state the user asked for.
    public func liveInterface(_ interface: DomainInterface, domain: LibvirtUUID, alias: String) -> DomainInterface {
        guard let record = record(domain: domain, alias: alias) else { return interface }
        var live = record.current.connection.applied(to: interface, portID: record.current.port)
        live.linkState = record.linkUp ? nil : .down
        return live
    }

    // MARK: changing

    /// Brings `nic` to the state `interface` describes: connection (plug, unplug, move of any
    /// kind), link state and bandwidth. On failure the NIC is back exactly where it was.
    @discardableResult
    public func apply(_ interface: DomainInterface, to nic: GuestNIC, link: GuestLinkControl) throws(PatchbayError) -> NICChange {
        let desired = try NICConnection(interface)
        let linkUp = interface.linkState != .down
        return try lock.withLock { () throws(PatchbayError) -> NICChange in
            let existing = try ledger.load(domain: nic.domainUUID, alias: nic.alias)
            var record = existing ?? NICRecord(nic: nic, linkUp: linkUp)
            if record.nic.tap != nic.tap || record.nic.mac != nic.mac {
                // A new run of the guest (new tap) or a record left by a guest that is gone.
                try finishPending(&record, link: nil)
                try retire(record.current, keeping: nil)
                record = NICRecord(nic: nic, linkUp: linkUp)
            }
            try finishPending(&record, link: link)
            if desired == record.current.connection && (!desired.isPlugged || record.current.attachment != nil) {
                return try adjust(&record, linkUp: linkUp, bandwidth: interface.bandwidth, fresh: existing == nil, link: link)
            }
            let before = record.current.connection
            record.linkUp = linkUp
            var change = try move(&record, to: desired, bandwidth: interface.bandwidth, link: link, guestLinkKnownDown: false,
                                  hold: existing != nil)
            change.kind = before == .unplugged ? .plugged : desired == .unplugged ? .unplugged : .moved
            return change
        }
    }

    /// Link state and bandwidth on an unchanged connection.
    private func adjust(_ record: inout NICRecord, linkUp: Bool, bandwidth: Bandwidth?, fresh: Bool,
                        link: GuestLinkControl) throws(PatchbayError) -> NICChange {
        var changed = false
        // On a network, an interface without <bandwidth> takes its port's (portgroup's): only an
        // explicit one is a change there.
        let isNetwork = record.current.connection.networkName != nil
        if bandwidth != record.current.bandwidth && (!isNetwork || bandwidth != nil) {
            try changeBandwidth(&record, to: bandwidth)
            changed = true
        }
        if fresh || linkUp != record.linkUp {
            record.linkUp = linkUp
            try ledger.save(record)
            // The guest sees a carrier only when plugged: a down link on an unplugged NIC is
            // remembered and applies when it is plugged.
            try link.setLink(alias: record.nic.alias, up: record.guestLinkUp)
            changed = true
        }
        return NICChange(kind: changed ? .adjusted : .unchanged)
    }

    /// `domif-setlink`: the user's link state, kept while unplugged.
    public func setLink(_ nic: GuestNIC, up: Bool, link: GuestLinkControl) throws(PatchbayError) {
        try lock.withLock { () throws(PatchbayError) in
            var record = try ledger.load(domain: nic.domainUUID, alias: nic.alias) ?? NICRecord(nic: nic, linkUp: up)
            record.linkUp = up
            try ledger.save(record)
            try link.setLink(alias: nic.alias, up: record.guestLinkUp)
        }
    }

    /// `domiftune` live: the NIC's bandwidth on its tap (and macvlan). On a network the port's
    /// own bandwidth is what counts: it changes through the network driver's port parameters.
    public func setBandwidth(_ nic: GuestNIC, _ bandwidth: Bandwidth?) throws(PatchbayError) {
        try lock.withLock { () throws(PatchbayError) in
            guard var record = try ledger.load(domain: nic.domainUUID, alias: nic.alias) else {
                throw PatchbayError(.operationInvalid, "cannot find interface '\(nic.alias)'", domain: .domain)
            }
            try changeBandwidth(&record, to: bandwidth)
        }
    }

    /// The NIC's bandwidth changed live: on a network through the port's parameters (its floor
    /// is the network's business), then on the tap (and macvlan), read back from the kernel;
    /// on failure both are put back.
    private func changeBandwidth(_ record: inout NICRecord, to bandwidth: Bandwidth?) throws(PatchbayError) {
        var effective = bandwidth
        var undo = UndoStack()
        do throws(PatchbayError) {
            if let network = record.current.connection.networkName, let port = record.current.port {
                let old = try networks.port(network: network, uuid: port).bandwidth
                try networks.setPortParameters(network: network, port: port, PortBandwidthParameters(bandwidth))
                undo.push { [networks] in try? networks.setPortParameters(network: network, port: port, PortBandwidthParameters(old)) }
                effective = try networks.port(network: network, uuid: port).bandwidth
            }
            if let attachment = record.current.attachment {
                let previous = record.current.bandwidth
                try host.applyBandwidth(effective, to: attachment)
                undo.push { [host] in try? host.applyBandwidth(previous, to: attachment) }
                try host.verify(tap: record.nic.tap, attachment, bandwidth: effective)
            }
            record.current.bandwidth = effective
            try ledger.save(record)
        } catch {
            undo.unwind()
            throw error
        }
    }

    /// The guest is gone: its NIC leaves its attachment and its port; the record goes last.
    public func release(_ nic: GuestNIC) throws(PatchbayError) {
        try lock.withLock { () throws(PatchbayError) in
            guard var record = try ledger.load(domain: nic.domainUUID, alias: nic.alias) else { return }
            try finishPending(&record, link: nil)
            try host.disconnect(tap: record.nic.tap)
            try retire(record.current, keeping: nil)
            try ledger.remove(record.nic)
        }
    }

    /// Releases every NIC of `domain` (destroy, or a guest found dead at restart).
    public func releaseAll(domain: LibvirtUUID) throws(PatchbayError) {
        for record in records(domain: domain) { try release(record.nic) }
    }

    /// Removes a wiring's host objects and port (not the tap's own connection).
    func retire(_ wire: NICWire, keeping current: NICAttachment?) throws(PatchbayError) {
        if let attachment = wire.attachment, attachment != current, current.map({ !attachment.conflicts(with: $0) }) ?? true {
            try host.release(attachment)
        }
        if let port = wire.port, let network = wire.connection.networkName {
            do throws(PatchbayError) {
                try networks.deletePort(network: network, port: port)
            } catch where error.code == .noNetworkPort || error.code == .noNetwork || error.code == .operationInvalid {
                // Already gone: a network restart or a crash took it.
            }
        }
    }
}
