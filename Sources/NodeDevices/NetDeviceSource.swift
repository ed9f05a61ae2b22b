import Foundation
import HostOS
import NetConf
import NetCore
import Netlink

/// Where node devices come from: the host's network links, and the machine itself.
public protocol NetDeviceSource: Sendable {
    /// Every network device now, without features (listing needs names only).
    func devices() throws(PatchbayError) -> [NetNodeDevice]
    /// The offload features of the device on `interface`.
    func features(of interface: String) throws(PatchbayError) -> [String]
    /// The device a link describes, without its features.
    func device(for link: LinkInfo) -> NetNodeDevice
    /// The `computer` root device.
    func computer() -> ComputerNodeDevice
}

/// `NetDeviceSource` over rtnetlink and sysfs, in the caller's network namespace (sysfs is the
/// namespace's own when the daemon runs under `ip netns exec`).
public struct LinuxNetDevices: NetDeviceSource {
    /// Namespace file for the netlink socket, nil for the caller's.
    public let namespace: String?
    /// Root of sysfs (tests may point elsewhere).
    public let sysfs: String

    /// The host's devices.
    public init(namespace: String? = nil, sysfs: String = "/sys") {
        self.namespace = namespace
        self.sysfs = sysfs
    }

    public func devices() throws(PatchbayError) -> [NetNodeDevice] {
        try Rtnetlink(in: namespace).links().map(device(for:)).sorted { $0.name < $1.name }
    }

    public func features(of interface: String) throws(PatchbayError) -> [String] {
        // ethtool answers in the namespace the asking socket lives in.
        guard let namespace else { return EthtoolFeatures.of(interface) }
        return try NetworkNamespace.run(in: namespace) { () throws(PatchbayError) in EthtoolFeatures.of(interface) }.get()
    }

    public func device(for link: LinkInfo) -> NetNodeDevice {
        let base = "\(sysfs)/class/net/\(link.name)"
        let speed = read(base + "/speed").flatMap { Int64($0) }.flatMap { $0 > 0 && $0 <= Int64(UInt32.max) ? UInt32($0) : nil }
        let state = read(base + "/operstate").map(Self.libvirtState) ?? (link.isUp ? (link.carrier == false ? "lowerlayerdown" : "up") : "down")
        // ARPHRD_ETHER (1) is what libvirt reports as the 802.3 sub-capability.
        let ethernet = read(base + "/type").map { $0 == "1" } ?? (link.mac != nil)
        let physical = read(base + "/device/uevent") != nil
        return NetNodeDevice(interface: link.name, mac: link.mac, path: physical ? nil : "\(sysfs)/devices/virtual/net/\(link.name)",
                             parent: "computer", speed: speed, state: state, features: [], ethernet: ethernet)
    }

    public func computer() -> ComputerNodeDevice {
        let product = read("\(sysfs)/class/dmi/id/product_name")
        if let text = read("\(sysfs)/class/dmi/id/product_uuid"), let uuid = try? LibvirtUUID(text) {
            return ComputerNodeDevice(uuid: uuid.description, product: product)
        }
        // Without DMI (containers, some VMs) the machine id names the machine as well.
        let machineID = read("/etc/machine-id") ?? ""
        let bytes = stride(from: 0, to: min(machineID.count, 32), by: 2).compactMap { offset -> UInt8? in
            let start = machineID.index(machineID.startIndex, offsetBy: offset)
            return UInt8(machineID[start..<machineID.index(start, offsetBy: 2)], radix: 16)
        }
        let hex = bytes.count == 16 ? bytes.map { String($0, radix: 16).leftPadded } : []
        guard hex.count == 16 else { return ComputerNodeDevice(uuid: "00000000-0000-4000-8000-000000000001", product: product) }
        let groups = [hex[0..<4], hex[4..<6], hex[6..<8], hex[8..<10], hex[10..<16]].map { $0.joined() }
        return ComputerNodeDevice(uuid: groups.joined(separator: "-"), product: product)
    }

    private func read(_ path: String) -> String? {
        AtomicFile.readText(path).map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
    }

    /// sysfs operstate to libvirt's link states (the same words, but `dormant`/`testing` pass through).
    static func libvirtState(_ operstate: String) -> String {
        ["unknown", "notpresent", "down", "lowerlayerdown", "testing", "dormant", "up"].contains(operstate) ? operstate : "unknown"
    }
}

extension String {
    fileprivate var leftPadded: String { count < 2 ? "0" + self : self }
}
