import NetCore

/// Hands out guest PCI addresses the way libvirt's QEMU driver does when a domain is defined.
///
/// i440fx: every device takes the first free slot of bus 0 (slot 0 is the host bridge, slot 1
/// the PIIX3 functions). q35: each PCI Express device sits alone on a pcie-root-port (existing
/// free ports first, then new ones with the next controller index); conventional PCI devices
/// share a pcie-to-pci-bridge created on first need.
///
/// libvirt first finds out, in a dry run, which controllers the domain lacks and adds them all; then
/// the added pcie-to-pci-bridge, being a controller, takes its root port before any other device.
/// So a planner is run twice: once to learn `created`, then again made with `precreated:` that list.
public struct PCIAddressPlanner: Sendable {
    /// How a device attaches to the PCI topology.
    public enum Connection: Sendable {
        /// A conventional PCI device.
        case conventional
        /// A PCI Express endpoint (goes behind a root port on q35).
        case express
    }

    private let family: DomainMachine.Family
    /// Slots (domain, bus, slot) that are taken.
    private var usedSlots: Set<[UInt32]> = []
    /// q35: root-port buses that already hold a device.
    private var usedBuses: Set<UInt32> = []
    /// q35: root ports the user defined, by index.
    private var rootPorts: [UInt32] = []
    /// q35: index the next automatically added controller gets.
    private var nextControllerIndex: UInt32
    /// q35: the pcie-to-pci-bridge bus, once added.
    private var bridgeBus: UInt32?
    /// q35: the controllers this planner added, in order (index, and whether it is the pcie-to-pci-bridge).
    public private(set) var created: [(index: UInt32, isBridge: Bool)] = []

    /// - Parameters:
    ///   - reserved: addresses written in the document (they are never handed out).
    ///   - controllerIndexes: indexes of the PCI controllers in the document, with whether each is a pcie-root-port.
    ///   - precreated: the controllers a dry run of the same domain added (see the type's documentation).
    public init(family: DomainMachine.Family, reserved: [PCIAddress], controllerIndexes: [(index: UInt32, isRootPort: Bool)],
                precreated: [(index: UInt32, isBridge: Bool)] = []) {
        self.family = family
        for address in reserved {
            usedSlots.insert(address.slotKey)
            usedBuses.insert(UInt32(address.bus))
        }
        rootPorts = controllerIndexes.filter(\.isRootPort).map(\.index).sorted()
        // Buses named by written addresses exist even when their controllers are left out
        // (libvirt adds those), so new controllers are numbered after all of them.
        nextControllerIndex = max(controllerIndexes.map(\.index).max() ?? 0, reserved.map { UInt32($0.bus) }.max() ?? 0) + 1
        // The host bridge is always bus 0 slot 0.
        usedSlots.insert([0, 0, 0])
        switch family {
        case .i440fx:
            usedSlots.insert([0, 0, 1])
        case .q35:
            usedSlots.insert([0, 0, 0x1F])
        case .s390, .other:
            break
        }
        guard !precreated.isEmpty else { return }
        rootPorts = (rootPorts + precreated.filter { !$0.isBridge }.map(\.index)).sorted()
        nextControllerIndex = max(nextControllerIndex, (precreated.map(\.index).max() ?? 0) + 1)
        if let bridge = precreated.first(where: \.isBridge) {
            // The added bridge is placed with the controllers, before every other device.
            _ = takeRootPort()
            bridgeBus = bridge.index
        }
    }

    /// Takes `slot` on bus 0 when it is free (the primary video's place). When it is taken, libvirt
    /// gives the video a slot only after every other device, so nothing is reserved now.
    public mutating func reserveIfFree(slot: UInt8) {
        usedSlots.insert([0, 0, UInt32(slot)])
    }

    /// The next address for a device that attaches with `connection`.
    public mutating func next(_ connection: Connection) throws(PatchbayError) -> PCIAddress {
        switch family {
        case .q35:
            if connection == .express {
                let bus = takeRootPort()
                return try PCIAddress(domain: 0, bus: UInt64(bus), slot: 0, function: 0)
            }
            if bridgeBus == nil {
                // The bridge is itself a PCIe device: libvirt adds a new root port for it, then the bridge
                // (where the bridge really goes is decided later: the first free root port).
                created.append((nextControllerIndex, false))
                usedBuses.insert(nextControllerIndex)
                nextControllerIndex += 1
                bridgeBus = nextControllerIndex
                created.append((nextControllerIndex, true))
                nextControllerIndex += 1
            }
            return try nextOnBus(bridgeBus ?? 0, from: 1)
        case .i440fx, .s390, .other:
            return try nextOnBus(0, from: 1)
        }
    }

    private mutating func takeRootPort() -> UInt32 {
        if let index = rootPorts.firstIndex(where: { !usedBuses.contains($0) }) {
            let bus = rootPorts.remove(at: index)
            usedBuses.insert(bus)
            return bus
        }
        let bus = nextControllerIndex
        nextControllerIndex += 1
        usedBuses.insert(bus)
        created.append((bus, false))
        return bus
    }

    private mutating func nextOnBus(_ bus: UInt32, from first: UInt32) throws(PatchbayError) -> PCIAddress {
        for slot in first...0x1F where !usedSlots.contains([0, bus, slot]) {
            usedSlots.insert([0, bus, slot])
            return try PCIAddress(domain: 0, bus: UInt64(bus), slot: UInt64(slot), function: 0)
        }
        throw PatchbayError(.internalError, "No more available PCI slots", domain: .domain)
    }
}
