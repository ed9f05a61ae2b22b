import NetConf
import NetCore
import Netlink

/// A node device appearing or disappearing (libvirt's VIR_NODE_DEVICE_EVENT_CREATED / _DELETED).
public enum NodeDeviceEvent: Sendable, Hashable {
    /// A device was created; its libvirt name.
    case created(String)
    /// A device was deleted; the name it had.
    case deleted(String)
}

/// libvirt's node device driver for network devices: the host's links as `net_*` devices under
/// the `computer` root, and their lifecycle events from the netlink link monitor.
public final class NodeDeviceDriver: @unchecked Sendable {
    let source: any NetDeviceSource
    let lock = Lock()
    /// Device names by interface index, so a deleted link (whose MAC the kernel no longer says)
    /// is announced under the name it was listed with.
    var names: [Int32: String] = [:]
    var monitor: LinkMonitor?

    /// A driver over `source`.
    public init(source: any NetDeviceSource) { self.source = source }

    /// Names of every device, `computer` first; `capability` keeps only `net` or `system` ones.
    public func list(capability: String? = nil) throws(PatchbayError) -> [String] {
        var result: [String] = []
        if capability == nil || capability == "system" { result.append(ComputerNodeDevice.name) }
        if capability == nil || capability == "net" { result += try source.devices().map(\.name) }
        return result
    }

    /// The document of the device `name`.
    public func xml(name: String) throws(PatchbayError) -> String {
        if name == ComputerNodeDevice.name { return source.computer().formatted }
        var device = try device(name)
        device.features = try source.features(of: device.interface)
        return device.formatted
    }

    /// The parent of `name` (nil for `computer`).
    public func parent(name: String) throws(PatchbayError) -> String? {
        if name == ComputerNodeDevice.name { return nil }
        return try device(name).parent
    }

    /// Capability names of `name` (`net` or `system`; the 80203 sub-capability is not one of them, as in libvirt).
    public func capabilities(name: String) throws(PatchbayError) -> [String] {
        if name == ComputerNodeDevice.name { return ["system"] }
        _ = try device(name)
        return ["net"]
    }

    /// Refuses unknown names with libvirt's error.
    public func lookup(name: String) throws(PatchbayError) {
        if name == ComputerNodeDevice.name { return }
        _ = try device(name)
    }

    func device(_ name: String) throws(PatchbayError) -> NetNodeDevice {
        guard let found = try source.devices().first(where: { $0.name == name }) else {
            throw PatchbayError(.noNodeDevice, "no node device with matching name '\(name)'", domain: .nodeDevice)
        }
        return found
    }

    /// Starts watching links in the caller's namespace (or `namespace`) and reports every device
    /// created or deleted to `handler`, in kernel order. Call once; `stop()` ends it.
    public func watch(namespace: String? = nil, _ handler: @escaping @Sendable (NodeDeviceEvent) -> Void) throws(PatchbayError) {
        let monitor = try LinkMonitor(namespace: namespace)
        let links = try Rtnetlink(in: namespace).links()
        lock.withLock {
            self.monitor = monitor
            // The monitor's baseline is its own dump; names are taken from the links listed now.
            for link in links { names[link.index] = source.device(for: link).name }
        }
        let thread = DeviceEventThread()
        let read: @Sendable () async -> Void = { [self] in
            for await event in monitor.events {
                if let translated = translate(event) { handler(translated) }
            }
            thread.finish()
        }
        if thread.start() {
            Task(executorPreference: thread) { await read() }
        } else {
            // No thread to be had: late events beat none.
            Task.detached { await read() }
        }
    }

    func translate(_ event: LinkEvent) -> NodeDeviceEvent? {
        lock.withLock {
            switch event {
            case .appeared(let link):
                let name = source.device(for: link).name
                names[link.index] = name
                return .created(name)
            case .disappeared(let index, let interface):
                let name = names.removeValue(forKey: index) ?? NetNodeDevice(interface: interface, mac: nil).name
                return .deleted(name)
            case .changed(let link):
                // A MAC change renames the device; keep the map current, no lifecycle event.
                names[link.index] = source.device(for: link).name
                return nil
            }
        }
    }

    /// Stops the link monitor.
    public func stop() { lock.withLock { monitor }?.stop() }
}
