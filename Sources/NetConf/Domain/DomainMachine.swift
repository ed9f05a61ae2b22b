import NetCore
import NetXML

/// The guest platform facts that decide default models and how addresses are handed out.
public struct DomainMachine: Hashable, Sendable {
    /// Machine families whose address rules Patchbay reproduces.
    public enum Family: Sendable {
        /// i440fx (`pc`): one conventional PCI bus, slot 1 holds the PIIX3 functions.
        case i440fx
        /// q35: PCI Express root complex, devices behind pcie-root-ports.
        case q35
        /// s390 `s390-ccw-virtio`: virtio devices on the channel subsystem.
        case s390
        /// Anything else: Patchbay assigns no addresses.
        case other
    }

    /// Guest architecture (`<os><type arch=>`).
    public let architecture: String
    /// Machine type as written.
    public let machine: String
    /// Machine family.
    public let family: Family

    /// Reads `<os><type>` and the root PCI controller of a domain.
    public init(domain: XMLElement) {
        let type = domain.element("os")?.element("type")
        architecture = type?.attribute("arch") ?? "x86_64"
        machine = type?.attribute("machine") ?? (architecture.hasPrefix("s390") ? "s390-ccw-virtio" : "pc")
        let pcieRoot = domain.element("devices")?.elements("controller").contains {
            $0.attribute("type") == "pci" && $0.attribute("model") == "pcie-root"
        } ?? false
        if architecture.hasPrefix("s390") {
            family = .s390
        } else if ["x86_64", "i686"].contains(architecture) {
            family = machine == "q35" || machine.hasPrefix("pc-q35") || pcieRoot ? .q35 : .i440fx
        } else {
            family = .other
        }
    }
}
