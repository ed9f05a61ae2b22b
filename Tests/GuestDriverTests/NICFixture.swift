import Foundation
@testable import GuestDriver
import HostNet
import NetConf
import NetCore
import NetDriver
import NetXML

/// Records the guest's carrier as QMP `set_link` would set it; can be told to fail.
final class RecordingLink: GuestLinkControl, @unchecked Sendable {
    private let lock = NSLock()
    private var calls: [(String, Bool)] = []
    /// Fails every `set_link … on` when set (a QEMU that stopped answering).
    var failUp = false

    func setLink(alias: String, up: Bool) throws(PatchbayError) {
        lock.lock()
        defer { lock.unlock() }
        if up && failUp { throw PatchbayError(.operationFailed, "QMP set_link failed", domain: .domain) }
        calls.append((alias, up))
    }

    /// The last state set for `alias`.
    func state(_ alias: String) -> Bool? {
        lock.lock()
        defer { lock.unlock() }
        return calls.last { $0.0 == alias }?.1
    }

    /// Every state set for `alias`, in order.
    func history(_ alias: String) -> [Bool] {
        lock.lock()
        defer { lock.unlock() }
        return calls.filter { $0.0 == alias }.map(\.1)
    }
}

/// Network documents and interface documents for NIC tests.
enum NICDocuments {
    static func isolated(_ name: String, bridge: String, stp: Bool = false, subnet: Int = 77) -> String {
        "<network><name>\(name)</name><bridge name='\(bridge)' stp='\(stp ? "on" : "off")'/><ip address='10.\(subnet).0.1' prefix='24'/></network>"
    }

    static func nat(_ name: String, bridge: String, subnet: Int) -> String {
        "<network><name>\(name)</name><forward mode='nat'/><bridge name='\(bridge)' stp='off'/><ip address='10.\(subnet).0.1' prefix='24'/></network>"
    }

    static func direct(_ name: String, mode: String, devices: [String]) -> String {
        "<network><name>\(name)</name><forward mode='\(mode)'>"
            + devices.map { "<interface dev='\($0)'/>" }.joined() + "</forward></network>"
    }

    static func hostBridge(_ name: String, bridge: String) -> String {
        "<network><name>\(name)</name><forward mode='bridge'/><bridge name='\(bridge)'/></network>"
    }

    /// An `<interface>` of the given type and source, with MAC, alias and optional extras.
    static func interface(_ type: String, source: String = "", mac: String = "52:54:00:aa:00:01", alias: String = "ua-net0",
                          extra: String = "") throws -> DomainInterface {
        let text = "<interface type='\(type)'>\(source.isEmpty ? "" : "<source \(source)/>")<mac address='\(mac)'/><model type='virtio'/><alias name='\(alias)'/>\(extra)</interface>"
        return try DomainInterface(xml: XMLParser.parse(text))
    }

    static func network(_ name: String, extra: String = "", mac: String = "52:54:00:aa:00:01", alias: String = "ua-net0") throws -> DomainInterface {
        try interface("network", source: "network='\(name)'", mac: mac, alias: alias, extra: extra)
    }

    static func unplugged(extra: String = "", mac: String = "52:54:00:aa:00:01", alias: String = "ua-net0") throws -> DomainInterface {
        try interface("null", mac: mac, alias: alias, extra: extra)
    }
}

/// Temporary directories for a network driver and the NIC ledger; removed afterwards.
struct NICFixture {
    /// Under /dev/shm (tmpfs) like the daemon's /run state directory, so fsyncs cost what they cost there.
    let root = (FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : FileManager.default.temporaryDirectory.path) + "/pb-nic-\(UUID().uuidString)"
    var config: String { "\(root)/etc" }
    var state: String { "\(root)/run" }

    static func with<T>(_ body: (NICFixture) throws -> T) throws -> T {
        let fixture = NICFixture()
        defer { try? FileManager.default.removeItem(atPath: fixture.root) }
        return try body(fixture)
    }

    func networks(host: NetworkHost = InertNetworkHost()) throws -> NetworkDriver {
        try NetworkDriver(configDirectory: config, stateDirectory: state, host: host)
    }

    func wiring(_ networks: NetworkDriver, _ attachment: GuestNICAttachment) throws -> NICWiring {
        try NICWiring(stateDirectory: state, networks: networks, attachment: attachment, linkDownHoldMicroseconds: 0)
    }

    static let domainUUID = (try? LibvirtUUID("8f6d4f4e-52a4-4a5c-9c1e-0d3a4f0b7e01")) ?? LibvirtUUID.random()

    static func nic(alias: String = "ua-net0", tap: String = "vnet0", mac: String = "52:54:00:aa:00:01") throws -> GuestNIC {
        GuestNIC(domain: "guest1", domainUUID: domainUUID, alias: alias, tap: try InterfaceName(tap), mac: try MACAddress(mac), model: "virtio")
    }
}
