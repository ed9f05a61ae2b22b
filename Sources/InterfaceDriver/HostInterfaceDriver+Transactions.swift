import Foundation
import HostNet
import HostOS
import NetConf
import NetCore

extension HostInterfaceDriver {
    static func now() -> Double { Date().timeIntervalSince1970 }

    /// Begins a transaction: the live host configuration and the stored definitions are written
    /// atomically to disk before this returns, so every later change can be undone, also after a crash.
    ///
    /// `timeout` (seconds) arms a deadline after which an uncommitted transaction rolls back by itself;
    /// `confirm` is checked at commit. A transaction already pending is refused with its report
    /// (age, what its rollback would do), never silently replaced.
    public func begin(timeout: Double? = nil, confirm: ConfirmationRule? = nil) throws(PatchbayError) {
        try lock.withLock { () throws(PatchbayError) in
            if let pending = transaction {
                throw PatchbayError(.operationInvalid, "an interface transaction is already pending: "
                                    + (try status(of: pending)).report.replacingOccurrences(of: "\n", with: "; "), domain: .interface)
            }
            if let timeout, !(timeout > 0 && timeout.isFinite) {
                throw PatchbayError(.invalidArg, "transaction timeout must be a positive number of seconds", domain: .interface)
            }
            if let confirm, (try? IPAddress(confirm.address)) == nil {
                throw PatchbayError(.invalidArg, "invalid confirmation address '\(confirm.address)'", domain: .interface)
            }
            let began = Self.now()
            let pending = InterfaceTransaction(began: began, deadline: timeout.map { began + $0 }, confirm: confirm,
                                               snapshot: try host.snapshot(excluding: ownership()),
                                               definitions: definitions.mapValues { $0.formatted() })
            try AtomicFile.write(bytes: try pending.encoded(), to: transactionPath, mode: 0o600)
            transaction = pending
            generation += 1
            if let timeout { armDeadline(generation: generation, after: timeout) }
        }
    }

    /// Arms the deadline timer of the transaction begun as `generation`. The timer has a thread of
    /// its own (not a `Task`), so a saturated cooperative pool cannot hold the rollback back.
    /// Called under `lock`: the timer has one slot, and arming outside the lock could let a late
    /// call for an ended transaction replace the deadline of the next one.
    func armDeadline(generation armed: Int, after seconds: Double) {
        deadlineTimer.arm(after: seconds) { [self] in expire(generation: armed) }
    }

    /// Rolls back the transaction `armed` if it is still the pending one and its deadline has passed.
    func expire(generation armed: Int) {
        enum Outcome { case none, rolledBack(InterfaceRollbackRecord), failed(PatchbayError) }
        let outcome: Outcome = lock.withLock {
            guard armed == generation, let pending = transaction, let deadline = pending.deadline else { return .none }
            // The timer sleeps on the monotonic clock, the deadline is wall time: if the wall clock
            // was set back meanwhile, wait for the rest instead of never rolling back.
            let left = deadline - Self.now()
            if left > 0 {
                armDeadline(generation: armed, after: left)
                return .none
            }
            do throws(PatchbayError) { return .rolledBack(try undo(pending, reason: .deadline)) } catch { return .failed(error) }
        }
        switch outcome {
        case .none: break
        case .rolledBack(let record): onAutomaticRollback?(record)
        case .failed(let error): onAutomaticRollbackFailure?(error)
        }
    }

    /// Drops the pending transaction, keeping every change. With a confirmation rule, the commit is
    /// refused (and the transaction stays, deadline included) unless the address is reachable.
    public func commit() throws(PatchbayError) {
        try lock.withLock { () throws(PatchbayError) in
            guard let pending = transaction else { throw noTransaction() }
            if let rule = pending.confirm {
                do throws(PatchbayError) {
                    try probe.checkTCP(IPAddress(rule.address), port: rule.port, timeout: rule.timeout)
                } catch {
                    throw PatchbayError(.operationFailed, "commit refused by the confirmation rule: \(error.detail)", domain: .interface)
                }
            }
            try AtomicFile.remove(transactionPath)
            transaction = nil
            generation += 1
            deadlineTimer.cancel()
        }
    }

    /// Returns the host and the stored definitions to their state at `begin`, and ends the transaction.
    @discardableResult
    public func rollback() throws(PatchbayError) -> InterfaceRollbackRecord {
        try lock.withLock { () throws(PatchbayError) in
            guard let pending = transaction else { throw noTransaction() }
            return try undo(pending, reason: .requested)
        }
    }

    /// At daemon start: a transaction left pending (by a crash, a SIGKILL, a reboot) is rolled back.
    @discardableResult
    public func recover() throws(PatchbayError) -> InterfaceRollbackRecord? {
        let record = try lock.withLock { () throws(PatchbayError) -> InterfaceRollbackRecord? in
            guard let pending = transaction else { return nil }
            return try undo(pending, reason: .foundAtStart)
        }
        if let record { onAutomaticRollback?(record) }
        return record
    }

    /// The pending transaction's report, nil when none is pending.
    public func status() throws(PatchbayError) -> InterfaceTransactionStatus? {
        try lock.withLock { () throws(PatchbayError) in try transaction.map { pending throws(PatchbayError) in try status(of: pending) } }
    }

    func status(of pending: InterfaceTransaction) throws(PatchbayError) -> InterfaceTransactionStatus {
        let now = Self.now()
        let current = try host.snapshot(excluding: ownership())
        var wouldUndo = HostInterfaceChange.plan(from: current, to: pending.snapshot).map(\.description)
        wouldUndo += definitionChanges(to: pending.definitions)
        let changed = Set(HostInterfaceChange.plan(from: current, to: pending.snapshot).flatMap(Self.devices))
            .union(Set(definitions.keys).symmetricDifference(pending.definitions.keys))
            .union(definitions.filter { pending.definitions[$0.key] != $0.value.formatted() }.map(\.key))
        return InterfaceTransactionStatus(age: now - pending.began, remaining: pending.deadline.map { max($0 - now, 0) },
                                          wouldUndo: wouldUndo, changedDevices: changed.sorted(),
                                          dependentNetworks: dependents(changed).sorted(), confirm: pending.confirm)
    }

    static func devices(_ change: HostInterfaceChange) -> [String] {
        switch change {
        case .deleteLink(let name), .detach(let name), .setMTU(let name, _), .setMAC(let name, _), .setUp(let name, _):
            [name]
        case .attach(let name, let master): [name, master]
        case .createLink(let link), .cannotRecreate(let link): [link.name]
        case .deleteAddress(let address), .addAddress(let address): [address.link]
        case .deleteRoute(let route), .addRoute(let route): route.device.map { [$0] } ?? []
        }
    }

    func definitionChanges(to stored: [String: String]) -> [String] {
        var lines: [String] = []
        for name in definitions.keys.sorted() where stored[name] == nil { lines.append("remove definition of \(name)") }
        for (name, text) in stored.sorted(by: { $0.key < $1.key }) where definitions[name]?.formatted() != text {
            lines.append(definitions[name] == nil ? "restore definition of \(name)" : "restore previous definition of \(name)")
        }
        return lines
    }

    /// Restores host and definitions, then removes the transaction file (only once all is back, so a
    /// crash during the rollback leaves it to be done again at the next start).
    func undo(_ pending: InterfaceTransaction, reason: InterfaceRollbackRecord.Reason) throws(PatchbayError) -> InterfaceRollbackRecord {
        var undone = definitionChanges(to: pending.definitions)
        var restored: [String: HostInterfaceDefinition] = [:]
        for (name, text) in pending.definitions { restored[name] = try HostInterfaceDefinition.parse(xml: text) }
        for name in definitions.keys where restored[name] == nil { try AtomicFile.remove(definitionPath(name)) }
        for (name, definition) in restored where definitions[name] != definition {
            try AtomicFile.makeDirectory(definitionsDirectory)
            try AtomicFile.write(definition.formatted(), to: definitionPath(name))
        }
        definitions = restored
        undone += try host.restore(pending.snapshot, excluding: ownership()).map(\.description)
        try AtomicFile.remove(transactionPath)
        transaction = nil
        generation += 1
        deadlineTimer.cancel()
        let record = InterfaceRollbackRecord(reason: reason, age: Self.now() - pending.began, undone: undone)
        if reason != .requested { lastAutomatic = record }
        return record
    }

    func noTransaction() -> PatchbayError {
        PatchbayError(.operationInvalid, "no interface transaction is pending", domain: .interface)
    }
}
