import NetConf
import NetCore

extension GuestNetworkArguments {
    /// Builds the properties of each device; keeps the per-guest counters (fd sets).
    struct Builder {
        let devices: GuestNetworkDevices
        let capabilities: QEMUCapabilities
        let runtime: GuestRuntime
        var nextFDSet = 0

        init(devices: GuestNetworkDevices, capabilities: QEMUCapabilities, runtime: GuestRuntime) {
            self.devices = devices
            self.capabilities = capabilities
            self.runtime = runtime
        }

        /// libvirt's checks of the NIC as it will be connected, made when the guest starts.
        func checkActual(_ nic: DomainInterface) throws(PatchbayError) {
            let mac = nic.mac.address.description
            let type = nic.type.rawValue
            if nic.vlan != nil {
                let passthrough: Bool = if case .direct(_, .passthrough) = nic.source { true } else { false }
                // A network's VLAN is decided by the network; libvirt checks it once resolved.
                if !(nic.type == .hostdev || nic.type == .network || passthrough || nic.virtualPort?.kind == .openvswitch) {
                    throw PatchbayError(.configUnsupported, "interface \(mac) - vlan tag not supported for this connection type", domain: .domain)
                }
            }
            if nic.bandwidth != nil && nic.type == .hostdev {
                throw PatchbayError(.configUnsupported, "interface \(mac) - bandwidth settings are not supported for hostdev interfaces", domain: .domain)
            }
            if nic.backend?.tap != nil && ![.bridge, .network, .ethernet].contains(nic.type) {
                throw PatchbayError(.configUnsupported, "interface \(mac) - custom tap device path is not supported for network interfaces of type \(type)", domain: .domain)
            }
            // Several queues need a backend QEMU can open several times.
            if (nic.driver?.queues ?? 0) > 0 && ![.network, .bridge, .direct, .ethernet, .vhostuser, .vdpa].contains(nic.type) {
                throw PatchbayError(.configUnsupported, "Multiqueue network is not supported for: \(type)", domain: .domain)
            }
            if nic.filterRef != nil && ![.bridge, .network, .ethernet].contains(nic.type) {
                throw PatchbayError(.configUnsupported, "interface \(mac) - filterref is not supported for network interfaces of type \(type)", domain: .domain)
            }
        }

        /// The chardev/add-fd, netdev and device of a NIC that is not a host device.
        mutating func nic(_ nic: DomainInterface, alias: String, descriptor: (QEMUDescriptor) -> String) throws(PatchbayError) -> Device {
            var device = Device(alias: alias, netdev: nil, device: QEMUProperties())
            var netdev = QEMUProperties()
            let virtio = nic.model?.isVirtio ?? false
            let queues = virtio ? max(Int(nic.driver?.queues ?? 1), 1) : 1
            switch nic.type {
            case .network, .bridge, .direct, .ethernet:
                // Patchbay always hands QEMU a tap it created (macvtap only for NICs declared fixed).
                netdev.add("type", string: "tap")
                let taps = (0..<queues).map { descriptor(.tap(alias: alias, queue: $0)) }
                netdev.add(queues > 1 ? "fds" : "fd", string: taps.joined(separator: ":"))
                if virtio && nic.driver?.backend != .qemu && capabilities.vhostNet {
                    netdev.add("vhost", bool: true)
                    let vhosts = (0..<queues).map { descriptor(.vhost(alias: alias, queue: $0)) }
                    netdev.add(queues > 1 ? "vhostfds" : "vhostfd", string: vhosts.joined(separator: ":"))
                }
                netdev.add("sndbuf", number: nic.sendBuffer)
            case .user where nic.backend?.kind == .passt:
                var address = QEMUProperties()
                address.add("type", string: "unix")
                address.add("path", string: "\(runtime.stateDirectory)/passt/\(runtime.shortName)-\(alias).socket")
                netdev.add("type", string: "stream")
                netdev.add("addr", .object(address))
                netdev.add("server", bool: false)
            case .user, .internal:
                netdev.add("type", string: "user")
                for ip in nic.type == .user ? nic.ips : [] {
                    if ip.address.family == .ipv4 {
                        netdev.add("net", string: ip.prefix.map { "\(ip.address)/\($0)" } ?? ip.address.description)
                    } else {
                        netdev.add("ipv6-prefix", string: ip.address.description)
                        netdev.add("ipv6-prefixlen", number: ip.prefix.map { UInt64($0) })
                    }
                }
            case .server, .client, .mcast, .udp:
                guard case .socket(let address, let port, let local) = nic.source else { break }
                netdev.add("type", string: "socket")
                let key = [InterfaceType.server: "listen", .client: "connect", .mcast: "mcast", .udp: "udp"][nic.type] ?? "connect"
                netdev.add(key, string: "\(address ?? ""):\(port)")
                if let local { netdev.add("localaddr", string: "\(local.address):\(local.port)") }
            case .vhostuser:
                guard case .vhostUser(let path, let mode, let reconnect) = nic.source else { break }
                device.chardev = SocketChardev(id: "char\(alias)", path: path, server: mode == .server,
                                               reconnect: reconnect?.enabled == true ? reconnect?.timeout : nil)
                netdev.add("type", string: "vhost-user")
                netdev.add("chardev", string: "char\(alias)")
                if queues > 1 { netdev.add("queues", number: UInt64(queues)) }
            case .vdpa:
                let set = nextFDSet
                nextFDSet += 1
                device.addFD = (set, descriptor(.vdpa(alias: alias)), "\(alias)-vdpa")
                netdev.add("type", string: "vhost-vdpa")
                netdev.add("vhostdev", string: "/dev/fdset/\(set)")
                if queues > 1 { netdev.add("queues", number: UInt64(queues)) }
            case .hostdev, .null, .vds:
                throw PatchbayError(.configUnsupported, "interface type '\(nic.type.rawValue)' is not supported by QEMU", domain: .domain)
            }
            netdev.add("id", string: "host\(alias)")
            device.netdev = netdev
            device.device = try nicDevice(nic, alias: alias, virtio: virtio, queues: queues)
            return device
        }

        /// The `-device` of an emulated NIC.
        private func nicDevice(_ nic: DomainInterface, alias: String, virtio: Bool, queues: Int) throws(PatchbayError) -> QEMUProperties {
            var props = QEMUProperties()
            if virtio {
                addVirtioDriver(&props, model: nic.model?.name ?? "virtio", address: nic.info.address)
                let driver = nic.driver
                for (option, key) in [("iommu", "iommu_platform"), ("ats", "ats"), ("packed", "packed"), ("page_per_vq", "page-per-vq")] {
                    props.add(key, bool: driver?.virtioOptions[option])
                }
                props.add("tx", string: driver?.transmitMode.map { $0 == .iothread ? "bh" : "timer" })
                props.add("ioeventfd", bool: driver?.ioeventfd)
                props.add("event_idx", bool: driver?.eventIndex)
                for (option, key) in [("csum", "csum"), ("gso", "gso"), ("tso4", "host_tso4"), ("tso6", "host_tso6"),
                                      ("ecn", "host_ecn"), ("ufo", "host_ufo"), ("mrg_rxbuf", "mrg_rxbuf")] {
                    props.add(key, bool: driver?.host[option])
                }
                for option in InterfaceDriver.guestOffloads { props.add("guest_\(option)", bool: driver?.guest[option]) }
                if queues > 1 {
                    props.add("mq", bool: true)
                    props.add("vectors", number: UInt64(2 * queues + 2))
                }
                props.add("rx_queue_size", number: driver?.rxQueueSize.map { UInt64($0) })
                props.add("tx_queue_size", number: driver?.txQueueSize.map { UInt64($0) })
                props.add("rss", bool: driver?.rss)
                props.add("hash", bool: driver?.rssHashReport)
                props.add("host_mtu", number: nic.mtu.map { UInt64($0) })
                if nic.teaming == .persistent { props.add("failover", bool: true) }
            } else {
                props.add("driver", string: nic.model?.name ?? "rtl8139")
            }
            props.add("netdev", string: "host\(alias)")
            props.add("id", string: alias)
            props.add("mac", string: nic.mac.address.description)
            // Patchbay's emulated transient partner (see PatchbayDomainExtensions).
            if case .transient(let persistent) = nic.teaming { props.add("failover_pair_id", string: persistent) }
            try addAddress(&props, nic.info)
            addROM(&props, nic.info)
            props.add("bootindex", number: nic.info.boot.map { UInt64($0.order) })
            props.add("acpi-index", number: nic.info.acpiIndex.map { UInt64($0) })
            return props
        }

        /// virtio-net's device name for its bus and transitional model.
        private func addVirtioDriver(_ props: inout QEMUProperties, model: String, address: DeviceAddress?) {
            let bus: String
            switch address {
            case .ccw: bus = "ccw"
            case .other(.virtioMmio, _): bus = "device"
            case nil where devices.machine.family == .s390: bus = "ccw"
            default: bus = "pci"
            }
            var name = "virtio-net-\(bus)"
            var legacy: (disableLegacy: String, disableModern: String)?
            if bus == "pci" {
                switch model {
                case "virtio-transitional":
                    if capabilities.virtioTransitionalDevices { name += "-transitional" }
                case "virtio-non-transitional":
                    if capabilities.virtioTransitionalDevices { name += "-non-transitional" } else { legacy = ("on", "off") }
                default:
                    break
                }
            }
            props.add("driver", string: name)
            props.add("disable-legacy", string: legacy?.disableLegacy)
            props.add("disable-modern", string: legacy?.disableModern)
        }

        /// The `-device` of a host device (or a hostdev NIC).
        func hostdevDevice(source: HostdevSource, backend: DomainInterface.HostdevBackend?, teaming: InterfaceTeaming?,
                           info: DeviceInfo, alias: String) throws(PatchbayError) -> QEMUProperties {
            var props = QEMUProperties()
            switch source {
            case .pci(let address, _):
                switch backend {
                case .kvm?:
                    throw PatchbayError(.configUnsupported, "host doesn't support legacy PCI passthrough", domain: .domain)
                case .xen?:
                    throw PatchbayError(.configUnsupported, "QEMU does not support device assignment mode 'xen'", domain: .domain)
                case .vfio?, nil:
                    guard capabilities.vfioPCI else {
                        throw PatchbayError(.configUnsupported, "VFIO PCI device assignment is not supported by this version of qemu", domain: .domain)
                    }
                }
                props.add("driver", string: "vfio-pci")
                props.add("host", string: address.description)
                props.add("id", string: alias)
                props.add("bootindex", number: info.boot.map { UInt64($0.order) })
                if case .transient(let persistent) = teaming { props.add("failover_pair_id", string: persistent) }
                try addAddress(&props, info)
                addROM(&props, info)
                props.add("acpi-index", number: info.acpiIndex.map { UInt64($0) })
            case .usb(let usb):
                props.add("driver", string: "usb-host")
                if let (bus, device) = usb.busDevice {
                    props.add("hostdevice", string: "/dev/bus/usb/\(Self.padded(bus, 3))/\(Self.padded(device, 3))")
                } else {
                    props.add("vendorid", number: usb.vendor.map { UInt64($0) })
                    props.add("productid", number: usb.product.map { UInt64($0) })
                }
                props.add("id", string: alias)
                props.add("bootindex", number: info.boot.map { UInt64($0.order) })
                try addAddress(&props, info)
            case .scsi, .scsiHost, .mdev:
                throw PatchbayError(.configUnsupported, "host device type '\(source.kind.rawValue)' is not supported by Patchbay's QEMU argument generator", domain: .domain)
            }
            return props
        }

        /// libvirt's bus properties for a device address.
        private func addAddress(_ props: inout QEMUProperties, _ info: DeviceInfo) throws(PatchbayError) {
            switch info.address {
            case .pci(let pci)?:
                addPCIAddress(&props, pci)
            case .ccw(let cssid, let ssid, let devno)?:
                props.add("devno", string: "\(String(cssid, radix: 16)).\(String(ssid, radix: 16)).\(Self.padded(UInt32(devno), 4, radix: 16))")
            case .other(.usb, let attributes)?:
                let bus = attributes.first { $0.name == "bus" }?.value ?? "0"
                props.add("bus", string: bus == "0" ? "usb.0" : "usb\(bus).0")
                props.add("port", string: attributes.first { $0.name == "port" }?.value)
            case .other(.spaprVio, let attributes)?:
                if let text = attributes.first(where: { $0.name == "reg" })?.value, let reg = UInt64(text.dropFirst(2), radix: 16) {
                    props.add("reg", number: reg)
                }
            case .other?, nil:
                break
            }
        }

        /// Option ROM properties: `rombar` 0/1, `romfile` (empty when the ROM is disabled).
        private func addROM(_ props: inout QEMUProperties, _ info: DeviceInfo) {
            guard let rom = info.rom else { return }
            props.add("rombar", number: rom.bar.map { $0 ? 1 : 0 })
            props.add("romfile", string: rom.enabled == false ? "" : rom.file)
        }

        /// The pcie-root-ports (q35) that the given devices sit on.
        func rootPorts(for deviceProperties: [QEMUProperties]) -> [QEMUProperties] {
            guard devices.machine.family == .q35 else { return [] }
            var buses: Set<UInt32> = []
            for props in deviceProperties {
                guard case .string(let bus)? = props["bus"], bus.hasPrefix("pci."), let index = UInt32(bus.dropFirst(4)) else { continue }
                buses.insert(index)
            }
            return buses.sorted().compactMap { rootPort(index: $0) }
        }

        /// One root port: as written, or where libvirt puts the ones it adds (on pcie.0 from the first
        /// slot after the video's, eight functions per slot).
        private func rootPort(index: UInt32) -> QEMUProperties? {
            let written = devices.writtenControllers[index]
            if let model = written?.model, model != "pcie-root-port" { return nil }
            var address = written?.address
            var chassis = written?.chassis
            var port = written?.port
            if address == nil {
                let earlierAdded = (1..<index).filter { devices.writtenControllers[$0] == nil }.count
                let usedSlots = Set(devices.writtenControllers.values.compactMap { $0.address }.filter { $0.bus == 0 }.map { $0.slot })
                var slot = UInt8(devices.hasPrimaryVideo ? 2 : 1)
                var remaining = earlierAdded / 8
                while usedSlots.contains(slot) { slot += 1 }
                while remaining > 0 {
                    slot += 1
                    while usedSlots.contains(slot) { slot += 1 }
                    remaining -= 1
                }
                let function = UInt8(earlierAdded % 8)
                address = try? PCIAddress(domain: 0, bus: 0, slot: UInt64(slot), function: UInt64(function), multifunction: function == 0 ? true : nil)
            }
            guard let address else { return nil }
            if chassis == nil { chassis = index }
            if port == nil { port = UInt32(address.slot) << 3 | UInt32(address.function) }
            var props = QEMUProperties()
            props.add("driver", string: "pcie-root-port")
            props.add("port", number: port.map { UInt64($0) })
            props.add("chassis", number: chassis.map { UInt64($0) })
            props.add("id", string: "pci.\(index)")
            addPCIAddress(&props, address)
            return props
        }

        /// `bus`, `multifunction` and `addr` of a device on a PCI bus (bus 0 is the machine's root bus).
        private func addPCIAddress(_ props: inout QEMUProperties, _ pci: PCIAddress) {
            let bus = pci.bus == 0 ? (devices.machine.family == .q35 ? "pcie.0" : "pci.0") : "pci.\(pci.bus)"
            props.add("bus", string: bus)
            props.add("multifunction", bool: pci.multifunction)
            props.add("addr", string: pci.function == 0 ? "0x\(String(pci.slot, radix: 16))"
                                                         : "0x\(String(pci.slot, radix: 16)).0x\(String(pci.function, radix: 16))")
        }

        static func padded(_ value: UInt32, _ width: Int, radix: Int = 10) -> String {
            let digits = String(value, radix: radix)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
    }
}
