import NetCore

/// The emulated NIC model (`<model type='...'/>`).
///
/// libvirt matches its known model names without regard to case and prints its own spelling;
/// any other name made of safe characters is passed through to the hypervisor unchanged.
public struct InterfaceModel: Hashable, Sendable, CustomStringConvertible {
    /// Model names libvirt 9.0 knows, in its spelling.
    public static let knownNames = [
        "netfront", "rtl8139", "virtio", "e1000", "e1000e", "virtio-transitional", "virtio-non-transitional",
        "usb-net", "spapr-vlan", "lan9118", "smc91c111", "vlance", "vmxnet", "vmxnet2", "vmxnet3",
        "Am79C970A", "Am79C973", "82545EM", "82543GC",
    ]

    /// The name as libvirt prints it.
    public let name: String

    /// Parses a model name.
    public init(_ text: String) throws(PatchbayError) {
        if let known = Self.knownNames.first(where: { $0.lowercased() == text.lowercased() }) {
            name = known
            return
        }
        let allowed = text.unicodeScalars.allSatisfy {
            $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" || $0 == "-")
        }
        guard !text.isEmpty, allowed else {
            throw PatchbayError(.invalidArg, "Model name contains invalid characters", domain: .domain)
        }
        name = text
    }

    /// The default model QEMU guests get when none is given, by architecture.
    public static func qemuDefault(architecture: String, machine: String) -> InterfaceModel {
        let name: String
        if architecture.hasPrefix("s390") {
            name = "virtio"
        } else if architecture.hasPrefix("arm") || architecture == "aarch64" {
            name = machine == "versatilepb" ? "smc91c111" : machine.hasPrefix("virt") ? "virtio" : "lan9118"
        } else if architecture.hasPrefix("riscv") {
            name = "virtio"
        } else {
            name = "rtl8139"
        }
        return InterfaceModel(unchecked: name)
    }

    private init(unchecked name: String) { self.name = name }

    /// Whether the model is a virtio-net device (the `<driver>` element applies only to those).
    public var isVirtio: Bool { ["virtio", "virtio-transitional", "virtio-non-transitional"].contains(name) }

    /// The model name.
    public var description: String { name }
}
