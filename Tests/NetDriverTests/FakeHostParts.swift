import HostNet
import NetConf
import NetCore
@testable import NetDriver
import TestSupport

/// Fakes of HostNet's parts (bridges, firewall, DHCP/DNS, bandwidth) sharing one model of the
/// host, so a `LinuxNetworkHost` composed of them can be checked for the order of its steps and
/// for what its undo leaves behind, without a kernel. Any step can be made to fail.
final class FakeHostParts: @unchecked Sendable {
    private let lock = Lock()
    private var _calls: [String] = []
    private var _failing: Set<String> = []
    /// Devices (bridges and IFBs) and their groups.
    private var _devices: [String: UInt32] = [:]
    private var _tables: Set<String> = []
    private var _dns: [String: Int32] = [:]
    private var _shapedBridges: Set<String> = []
    /// The tc tree each shaped bridge carries, built from the same plans the real shaper runs.
    private var _trees: [String: TrafficControlTree] = [:]
    private var nextPID: Int32 = 1000

    /// Every call, in order, as "part.verb argument".
    var calls: [String] { lock.withLock { _calls } }
    /// What exists now, for leak checks.
    var devices: [String: UInt32] { lock.withLock { _devices } }
    var tables: Set<String> { lock.withLock { _tables } }
    var runningDNS: [String: Int32] { lock.withLock { _dns } }
    var shapedBridges: Set<String> { lock.withLock { _shapedBridges } }
    /// The tc tree on `bridge`'s egress, nil when it is not shaped.
    func tree(of bridge: String) -> TrafficControlTree? { lock.withLock { _trees[bridge] } }
    /// Makes every later call of `verb` ("bridges.createBridge", "dns.start", …) fail.
    func fail(_ verb: String) { _ = lock.withLock { _failing.insert(verb) } }
    /// Removes a device behind the host's back (drift).
    func vanish(_ device: String) { _ = lock.withLock { _devices.removeValue(forKey: device) } }

    func host() -> LinuxNetworkHost {
        LinuxNetworkHost(bridges: Bridges(parts: self), firewall: Firewalls(parts: self), dnsServices: DNSServices(parts: self),
                         shaping: Shaping(parts: self), features: KernelFeatures(vlan: false, openvswitch: false, vfio: false))
    }

    /// Records the call, fails it when asked to, else applies `change` to the model.
    fileprivate func step<T>(_ verb: String, _ argument: String, _ change: (FakeHostParts) -> T) throws(PatchbayError) -> T {
        try lock.withLock { () throws(PatchbayError) -> T in
            _calls.append("\(verb) \(argument)")
            if _failing.contains(verb) { throw PatchbayError(.operationFailed, "fake \(verb) failed") }
            return change(self)
        }
    }

    fileprivate struct Bridges: NetworkBridges {
        let parts: FakeHostParts
        func createBridge(_ bridge: InterfaceName, of network: NetworkDefinition, group: UInt32) throws(PatchbayError) {
            try parts.step("bridges.createBridge", bridge.value) { $0._devices[bridge.value] = group }
        }
        func activateBridge(_ bridge: InterfaceName, of network: NetworkDefinition) throws(PatchbayError) {
            try parts.step("bridges.activateBridge", bridge.value) { _ in }
        }
        func enableForwarding(ipv6: Bool) throws(PatchbayError) {
            try parts.step("bridges.enableForwarding", ipv6 ? "ipv6" : "ipv4") { _ in }
        }
        func deleteGroup(_ group: UInt32) throws(PatchbayError) {
            try parts.step("bridges.deleteGroup", String(group)) { $0._devices = $0._devices.filter { $0.value != group } }
        }
        func group(of name: InterfaceName) throws(PatchbayError) -> UInt32? { parts.lock.withLock { parts._devices[name.value] } }
        func usedGroups() throws(PatchbayError) -> Set<UInt32> { parts.lock.withLock { Set(parts._devices.values) } }
        func deviceNames() throws(PatchbayError) -> Set<String> { parts.lock.withLock { Set(parts._devices.keys) } }
        func bridgeNames() throws(PatchbayError) -> Set<String> { try deviceNames() }
        func checkHostBridge(_ name: String, of network: NetworkDefinition) throws(PatchbayError) -> InterfaceName {
            try parts.step("bridges.checkHostBridge", name) { _ in }
            return try InterfaceName(name)
        }
        func checkPool(of network: NetworkDefinition) throws(PatchbayError) {
            try parts.step("bridges.checkPool", network.name) { _ in }
        }
    }

    fileprivate struct Firewalls: NetworkFirewalls {
        let parts: FakeHostParts
        func apply(_ policy: FirewallPolicy) throws(PatchbayError) {
            try parts.step("firewall.apply", policy.tableName) { $0._tables.insert(policy.tableName) }
        }
        func remove(tableName: String) throws(PatchbayError) {
            try parts.step("firewall.remove", tableName) { $0._tables.remove(tableName) }
        }
        func tables() throws(PatchbayError) -> [String] { parts.lock.withLock { parts._tables.sorted() } }
    }

    fileprivate struct DNSServices: NetworkDNSServices {
        let parts: FakeHostParts
        func service(for network: NetworkDefinition, stateDirectory: String) throws(PatchbayError) -> any NetworkDNSService {
            DNSService(parts: parts, network: network.name)
        }
    }

    fileprivate struct DNSService: NetworkDNSService {
        let parts: FakeHostParts
        let network: String
        func start(_ network: NetworkDefinition) throws(PatchbayError) -> Int32 {
            try parts.step("dns.start", self.network) { parts in
                parts.nextPID += 1
                parts._dns[self.network] = parts.nextPID
                return parts.nextPID
            }
        }
        func reload(_ network: NetworkDefinition) throws(PatchbayError) { try parts.step("dns.reload", self.network) { _ in } }
        func restart(_ network: NetworkDefinition) throws(PatchbayError) -> Int32 {
            try stop(timeoutMilliseconds: 0)
            return try start(network)
        }
        func stop(timeoutMilliseconds: Int) throws(PatchbayError) {
            try parts.step("dns.stop", network) { $0._dns.removeValue(forKey: network) }
        }
        func killIfOurs(_ pid: Int32) {}
        func removeFiles(includingLeases: Bool) throws(PatchbayError) {}
        var runningPID: Int32? { parts.lock.withLock { parts._dns[network] } }
        func isConfigured(for network: NetworkDefinition) throws(PatchbayError) -> Bool { true }
    }

    fileprivate struct Shaping: BandwidthShaping {
        let parts: FakeHostParts
        func apply(_ bandwidth: Bandwidth, to nic: ShapedNIC, group: UInt32?) throws(PatchbayError) {
            try parts.step("shaping.apply", nic.tap.value) { _ in }
        }
        func remove(from nic: ShapedNIC) throws(PatchbayError) { try parts.step("shaping.remove", nic.tap.value) { _ in } }
        func applyToNetwork(_ bandwidth: Bandwidth, bridge: InterfaceName, floors: [PortFloor], group: UInt32?) throws(PatchbayError) {
            try parts.step("shaping.applyToNetwork", bridge.value) {
                $0._shapedBridges.insert(bridge.value)
                let inbound = bandwidth.inbound.flatMap { $0.average == nil ? nil : $0 }
                $0._trees[bridge.value] = TrafficControlTree(inbound.map {
                    BandwidthPlan.networkStart(bridge: bridge.value, inbound: $0, floors: floors)
                } ?? [])
            }
        }
        func plugFloor(_ floor: PortFloor, bridge: InterfaceName, network inbound: BandwidthRate, flooredTotal: KibibytesPerSecond) throws(PatchbayError) {
            try parts.step("shaping.plugFloor", "\(bridge) \(floor.classID)") {
                $0._trees[bridge.value]?.apply(BandwidthPlan.floorPlug(floor, bridge: bridge.value, network: inbound, others: flooredTotal))
            }
        }
        func unplugFloor(classID: UInt32, bridge: InterfaceName, network inbound: BandwidthRate, flooredTotal: KibibytesPerSecond) throws(PatchbayError) {
            try parts.step("shaping.unplugFloor", "\(bridge) \(classID)") {
                $0._trees[bridge.value]?.apply(BandwidthPlan.floorUnplug(classID: classID, bridge: bridge.value, network: inbound,
                                                                         remaining: flooredTotal))
            }
        }
        func removeFromNetwork(bridge: InterfaceName) throws(PatchbayError) {
            try parts.step("shaping.removeFromNetwork", bridge.value) {
                $0._shapedBridges.remove(bridge.value)
                $0._trees[bridge.value] = nil
            }
        }
        func removeNetworkLeftovers(bridge: InterfaceName) throws(PatchbayError) {
            try parts.step("shaping.removeNetworkLeftovers", bridge.value) { $0._shapedBridges.remove(bridge.value) }
        }
        func isInstalledOnNetwork(_ bandwidth: Bandwidth, bridge: InterfaceName) throws(PatchbayError) -> Bool {
            parts.lock.withLock { parts._shapedBridges.contains(bridge.value) }
        }
    }
}
