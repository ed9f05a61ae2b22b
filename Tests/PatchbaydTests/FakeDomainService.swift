import Foundation
import GuestDriver
import NetCore

/// A guest driver that keeps domains in memory, for testing the daemon's QEMU-driver dispatch
/// with real clients: definitions keep their XML, `<interface>` elements are replaced by
/// update-device (matched by MAC), and every change emits the lifecycle event libvirt would.
final class FakeDomainService: DomainService, @unchecked Sendable {
    struct Domain {
        var summary: DomainSummary
        /// The document around the interfaces, with `@NICS@` where they go.
        var frame: String
        var interfaces: [String]
        var bandwidth: [String: DomainInterfaceBandwidth] = [:]
    }

    private let lock = Lock()
    private var domains: [Domain] = []
    private var nextID: Int32 = 1
    private var subscribers: [Int: AsyncStream<DomainEvent>.Continuation] = [:]
    private var nextSubscriber = 0
    /// Every update-device call, as (domain, xml, flags).
    private(set) var updates: [(String, String, UInt32)] = []
    private var threads: [String] = []

    /// The kernel names of the threads list, lookup-by-name, define and start ran on.
    var callThreads: [String] { lock.withLock { threads } }

    private func recordThread() {
        let name = ((try? String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8)) ?? "?")
            .trimmingCharacters(in: .whitespacesAndNewlines)
        lock.withLock { threads.append(name) }
    }

    func listDomains() -> [DomainSummary] {
        recordThread()
        return lock.withLock { domains.map(\.summary) }
    }

    func lookup(name: String) throws(PatchbayError) -> DomainSummary {
        recordThread()
        return try find(name).summary
    }

    func lookup(uuid: LibvirtUUID) throws(PatchbayError) -> DomainSummary {
        guard let found = lock.withLock({ domains.first { $0.summary.uuid == uuid } }) else {
            throw PatchbayError(.noDomain, "no domain with matching uuid '\(uuid)'", domain: .qemu)
        }
        return found.summary
    }

    func lookup(id: Int32) throws(PatchbayError) -> DomainSummary {
        guard id != -1, let found = lock.withLock({ domains.first { $0.summary.id == id } }) else {
            throw PatchbayError(.noDomain, "no domain with matching id \(id)", domain: .qemu)
        }
        return found.summary
    }

    func define(xml: String) throws(PatchbayError) -> DomainSummary {
        recordThread()
        guard let name = Self.first("<name>([^<]+)</name>", in: xml) else {
            throw PatchbayError(.xmlError, "missing name information", domain: .domain)
        }
        let uuid = try Self.first("<uuid>([^<]+)</uuid>", in: xml).map { (text: String) throws(PatchbayError) in try LibvirtUUID(text) }
            ?? LibvirtUUID.random()
        let memory = Self.first("<memory[^>]*>([0-9]+)</memory>", in: xml).flatMap(UInt64.init) ?? 65_536
        let interfaces = Self.all("<interface[\\s\\S]*?</interface>", in: xml)
        var frame = xml
        for (index, nic) in interfaces.enumerated() {
            frame = frame.replacingOccurrences(of: nic, with: index == 0 ? "@NICS@" : "")
        }
        if interfaces.isEmpty { frame = frame.replacingOccurrences(of: "</devices>", with: "@NICS@</devices>") }
        let summary = DomainSummary(name: name, uuid: uuid, id: -1, state: .shutOff, reason: 1, isPersistent: true, autostart: false,
                                    maxMemoryKiB: memory, memoryKiB: memory, vcpus: 1, cpuTimeNanoseconds: 0)
        let updated = lock.withLock { () -> Bool in
            if let index = domains.firstIndex(where: { $0.summary.name == name }) {
                domains[index].frame = frame
                domains[index].interfaces = interfaces
                domains[index].summary.isPersistent = true
                return true
            }
            domains.append(Domain(summary: summary, frame: frame, interfaces: interfaces))
            return false
        }
        emit(name, event: 0, detail: updated ? 1 : 0)
        return try lookup(name: name)
    }

    func undefine(name: String) throws(PatchbayError) {
        let summary = try find(name).summary
        lock.withLock {
            if summary.id == -1 {
                domains.removeAll { $0.summary.name == name }
            } else if let index = domains.firstIndex(where: { $0.summary.name == name }) {
                domains[index].summary.isPersistent = false
            }
        }
        emit(summary, event: 1, detail: 0)
    }

    func start(name: String, paused: Bool) throws(PatchbayError) -> DomainSummary {
        recordThread()
        let summary = try find(name).summary
        guard summary.id == -1 else {
            throw PatchbayError(.operationInvalid, "domain is already running", domain: .qemu)
        }
        try change(name) {
            $0.summary.id = nextID
            $0.summary.state = paused ? .paused : .running
            $0.summary.reason = paused ? 2 : 1
            nextID += 1
        }
        emit(name, event: 2, detail: 0)
        if paused { emit(name, event: 3, detail: 0) }
        return try lookup(name: name)
    }

    func createTransient(xml: String, paused: Bool) throws(PatchbayError) -> DomainSummary {
        let summary = try define(xml: xml)
        try change(summary.name) { $0.summary.isPersistent = false }
        return try start(name: summary.name, paused: paused)
    }

    func destroy(name: String) throws(PatchbayError) {
        let summary = try find(name).summary
        guard summary.id != -1 else { throw PatchbayError(.operationInvalid, "domain is not running", domain: .qemu) }
        emit(summary, event: 5, detail: 1)
        lock.withLock {
            guard let index = domains.firstIndex(where: { $0.summary.name == name }) else { return }
            if domains[index].summary.isPersistent {
                domains[index].summary.id = -1
                domains[index].summary.state = .shutOff
                domains[index].summary.reason = 2
            } else {
                domains.remove(at: index)
            }
        }
    }

    func shutdown(name: String) throws(PatchbayError) {
        guard try find(name).summary.id != -1 else {
            throw PatchbayError(.operationInvalid, "domain is not running", domain: .qemu)
        }
    }

    func setAutostart(name: String, _ autostart: Bool) throws(PatchbayError) {
        try change(name) { $0.summary.autostart = autostart }
    }

    func xml(name: String, flags: DomainXMLFlags) throws(PatchbayError) -> String {
        let domain = try find(name)
        let id = domain.summary.id != -1 && !flags.contains(.inactive) ? " id='\(domain.summary.id)'" : ""
        return domain.frame.replacingOccurrences(of: "@NICS@", with: domain.interfaces.joined(separator: "\n"))
            .replacingOccurrences(of: "<domain type='qemu'>", with: "<domain type='qemu'\(id)>")
    }

    func updateDevice(name: String, xml: String, flags: DomainModificationFlags) throws(PatchbayError) {
        guard let mac = Self.first("<mac address=['\"]([^'\"]+)['\"]", in: xml) else {
            throw PatchbayError(.operationFailed, "device not found", domain: .qemu)
        }
        try change(name) { domain throws(PatchbayError) in
            guard let index = domain.interfaces.firstIndex(where: { $0.contains(mac) }) else {
                throw PatchbayError(.operationFailed, "no device matching MAC address \(mac) found", domain: .qemu)
            }
            domain.interfaces[index] = xml.trimmingCharacters(in: .whitespacesAndNewlines)
            updates.append((name, xml, flags.rawValue))
        }
    }

    func interfaceBandwidth(name: String, device: String, flags: DomainModificationFlags) throws(PatchbayError) -> DomainInterfaceBandwidth {
        let domain = try find(name)
        guard domain.interfaces.contains(where: { $0.contains("'\(device)'") || $0.contains("\"\(device)\"") }) else {
            throw PatchbayError(.invalidArg, "cannot find interface '\(device)'", domain: .qemu)
        }
        return domain.bandwidth[device] ?? DomainInterfaceBandwidth()
    }

    func setInterfaceBandwidth(name: String, device: String, _ bandwidth: DomainInterfaceBandwidth,
                               flags: DomainModificationFlags) throws(PatchbayError) {
        _ = try interfaceBandwidth(name: name, device: device, flags: flags)
        try change(name) { $0.bandwidth[device] = bandwidth }
    }

    func interfaceStats(name: String, device: String) throws(PatchbayError) -> DomainInterfaceStats {
        _ = try interfaceBandwidth(name: name, device: device, flags: [])
        var stats = DomainInterfaceStats()
        (stats.rxBytes, stats.rxPackets, stats.rxErrors, stats.rxDrops) = (1_234, 12, 0, 1)
        (stats.txBytes, stats.txPackets, stats.txErrors, stats.txDrops) = (5_678, 56, 0, 2)
        return stats
    }

    func interfaceAddresses(name: String, source: DomainInterfaceAddressSource) throws(PatchbayError) -> [DomainInterfaceAddresses] {
        let domain = try find(name)
        guard source == .lease else {
            throw PatchbayError(.argumentUnsupported, "Unsupported IP address data source", domain: .qemu)
        }
        return domain.interfaces.compactMap { nic in
            guard !nic.contains("type='null'") && !nic.contains("type=\"null\""), let target = Self.first("<target dev=['\"]([^'\"]+)", in: nic),
                  let mac = Self.first("<mac address=['\"]([^'\"]+)", in: nic) else {
                return nil
            }
            return DomainInterfaceAddresses(name: target, hardwareAddress: mac,
                                            addresses: [.init(type: 0, address: "192.0.2.10", prefix: 24)])
        }
    }

    func subscribe() -> (id: Int, events: AsyncStream<DomainEvent>) {
        let (stream, continuation) = AsyncStream<DomainEvent>.makeStream()
        let id = lock.withLock {
            nextSubscriber += 1
            subscribers[nextSubscriber] = continuation
            return nextSubscriber
        }
        return (id, stream)
    }

    func unsubscribe(_ id: Int) {
        lock.withLock { subscribers.removeValue(forKey: id) }?.finish()
    }

    private func find(_ name: String) throws(PatchbayError) -> Domain {
        guard let found = lock.withLock({ domains.first { $0.summary.name == name } }) else {
            throw PatchbayError(.noDomain, "no domain with matching name '\(name)'", domain: .qemu)
        }
        return found
    }

    private func change(_ name: String, _ body: (inout Domain) throws(PatchbayError) -> Void) throws(PatchbayError) {
        try lock.withLock { () throws(PatchbayError) in
            guard let index = domains.firstIndex(where: { $0.summary.name == name }) else {
                throw PatchbayError(.noDomain, "no domain with matching name '\(name)'", domain: .qemu)
            }
            try body(&domains[index])
        }
    }

    private func emit(_ name: String, event: Int32, detail: Int32) {
        guard let summary = try? lookup(name: name) else { return }
        emit(summary, event: event, detail: detail)
    }

    private func emit(_ summary: DomainSummary, event: Int32, detail: Int32) {
        let event = DomainEvent.lifecycle(domain: summary.name, uuid: summary.uuid, id: summary.id, event: event, detail: detail)
        for continuation in lock.withLock({ Array(subscribers.values) }) { continuation.yield(event) }
    }

    private static func all(_ pattern: String, in text: String) -> [String] {
        guard let regex = try? NSRegularExpression(pattern: pattern) else { return [] }
        return regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap {
            Range($0.range, in: text).map { String(text[$0]) }
        }
    }

    private static func first(_ pattern: String, in text: String) -> String? {
        guard let regex = try? NSRegularExpression(pattern: pattern),
              let match = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)),
              let range = Range(match.range(at: 1), in: text) else { return nil }
        return String(text[range])
    }
}
