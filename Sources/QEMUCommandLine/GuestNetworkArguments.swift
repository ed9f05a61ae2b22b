import NetConf
import NetCore

/// The QEMU arguments for a guest's NICs and host devices, exactly as libvirt 9.0's QEMU driver
/// builds them: `-chardev`/`-add-fd` lines a netdev references, `-netdev`, `-device`, and the
/// pcie-root-ports the devices sit on; in key=value or JSON syntax as the capabilities say, and in
/// QMP form for hot-plug. The guest driver takes QEMU arguments from here and nowhere else.
public struct GuestNetworkArguments: Sendable {
    /// What one NIC or host device asks QEMU for.
    public struct Device: Sendable {
        /// The device id (alias).
        public let alias: String
        /// The socket chardev the netdev uses (vhost-user).
        public var chardev: SocketChardev?
        /// A descriptor put in an fd set for the netdev (vDPA): set number, descriptor, opaque label.
        public var addFD: (set: Int, descriptor: String, opaque: String)?
        /// The `-netdev` properties (none for a host device).
        public var netdev: QEMUProperties?
        /// The `-device` properties.
        public var device: QEMUProperties
    }

    /// The root ports the devices sit on (q35), in controller index order.
    public let rootPorts: [QEMUProperties]
    /// NICs with a netdev, in document order.
    public let interfaces: [Device]
    /// Host devices: hostdev NICs first, then standalone ones (libvirt's order).
    public let hostdevs: [Device]
    /// The capabilities the syntax was chosen for.
    public let capabilities: QEMUCapabilities

    /// Builds the arguments.
    /// - Parameters:
    ///   - descriptor: the number (command line) or name (QMP `getfd`) by which QEMU knows a
    ///     descriptor the caller owns.
    public init(devices: GuestNetworkDevices, capabilities: QEMUCapabilities, runtime: GuestRuntime,
                descriptor: (QEMUDescriptor) -> String) throws(PatchbayError) {
        self.capabilities = capabilities
        var builder = Builder(devices: devices, capabilities: capabilities, runtime: runtime)
        var nics: [Device] = []
        var hosts: [Device] = []
        for (index, nic) in devices.interfaces.enumerated() {
            let alias = devices.aliases.interfaces[index]
            try builder.checkActual(nic)
            if nic.type == .hostdev {
                guard case .hostdev(let source) = nic.source else { continue }
                hosts.append(Device(alias: alias, netdev: nil,
                                    device: try builder.hostdevDevice(source: source, backend: nic.hostdevBackend, teaming: nic.teaming,
                                                                      info: nic.info, alias: alias)))
            } else {
                nics.append(try builder.nic(nic, alias: alias, descriptor: descriptor))
            }
        }
        for (index, hostdev) in devices.hostdevs.enumerated() {
            let alias = devices.aliases.hostdevs[index]
            guard case .subsystem(let source) = hostdev.content else {
                throw PatchbayError(.configUnsupported, "hostdev mode 'capabilities' is not supported in QEMU", domain: .domain)
            }
            hosts.append(Device(alias: alias, netdev: nil,
                                device: try builder.hostdevDevice(source: source, backend: hostdev.backend, teaming: hostdev.teaming,
                                                                  info: hostdev.info, alias: alias)))
        }
        interfaces = nics
        hostdevs = hosts
        rootPorts = builder.rootPorts(for: (nics + hosts).map(\.device))
    }

    /// The command-line arguments, in libvirt's order (controllers, NICs, host devices).
    public var arguments: [QEMUArgument] {
        var out = rootPorts.map { deviceArgument($0) }
        for device in interfaces + hostdevs { out += arguments(of: device) }
        return out
    }

    /// The arguments of one device.
    public func arguments(of device: Device) -> [QEMUArgument] {
        var out: [QEMUArgument] = []
        if let chardev = device.chardev { out.append(QEMUArgument("-chardev", chardev.commandLine)) }
        if let addFD = device.addFD { out.append(QEMUArgument("-add-fd", "set=\(addFD.set),fd=\(addFD.descriptor),opaque=\(addFD.opaque)")) }
        if let netdev = device.netdev {
            out.append(QEMUArgument("-netdev", capabilities.jsonNetdev ? netdev.json : netdev.keyValue(leading: "type")))
        }
        out.append(deviceArgument(device.device))
        return out
    }

    private func deviceArgument(_ properties: QEMUProperties) -> QEMUArgument {
        QEMUArgument("-device", capabilities.jsonDevice ? properties.json : properties.keyValue(leading: "driver"))
    }
}
