import NetCore
import NetXML

/// `<os>`: what the guest boots — a kernel with initrd and command line, or its disks.
public struct DomainOS: Hashable, Sendable {
    /// `<type>` text: `hvm` for full virtualisation.
    public var type: String
    /// `<type arch=>`; the host's architecture (x86_64 here) when absent, as the QEMU driver defaults it.
    public var architecture: String
    /// `<type machine=>`.
    public var machine: String?
    /// `<kernel>`, `<initrd>`, `<cmdline>`, `<dtb>`.
    public var kernel: String?
    public var initrd: String?
    public var commandLine: String?
    public var dtb: String?
    /// `<boot dev=>` in order (libvirt adds `hd` when none is given and no per-device order exists).
    public var bootDevices: [String]
    /// Other children (loader, nvram, bootmenu, smbios, bios, ...), kept as written.
    public var verbatim: [XMLElement]

    /// Boot devices libvirt knows.
    static let bootDeviceNames: Set<String> = ["fd", "hd", "cdrom", "network"]

    init(domain: XMLElement, hasDeviceBootOrder: Bool) throws(PatchbayError) {
        guard let os = domain.element("os"), let typeElement = os.element("type"), !typeElement.text.trimmingWhitespace.isEmpty else {
            throw PatchbayError(.xmlError, "an os <type> must be specified", domain: .domain)
        }
        type = typeElement.text.trimmingWhitespace
        guard ["hvm", "linux", "xen", "exe", "uml", "xenpvh"].contains(type) else {
            throw PatchbayError(.configUnsupported, "unknown OS type '\(type)'", domain: .domain)
        }
        architecture = typeElement.attribute("arch") ?? "x86_64"
        machine = typeElement.attribute("machine")
        kernel = os.element("kernel")?.text
        initrd = os.element("initrd")?.text
        commandLine = os.element("cmdline")?.text
        dtb = os.element("dtb")?.text
        bootDevices = []
        for boot in os.elements("boot") {
            let device = try boot.domainRequired("dev")
            guard Self.bootDeviceNames.contains(device) else {
                throw PatchbayError(.internalError, "unknown boot device '\(device)'", domain: .domain)
            }
            bootDevices.append(device)
        }
        if bootDevices.isEmpty && !hasDeviceBootOrder && type == "hvm" { bootDevices = ["hd"] }
        let typed: Set<String> = ["type", "kernel", "initrd", "cmdline", "dtb", "boot"]
        verbatim = os.elements.filter { !typed.contains($0.name) }.map(\.withoutBlankText)
    }

    /// libvirt's order: type, loader, nvram, kernel, initrd, cmdline, dtb, boot, the rest.
    var xml: XMLElement {
        var os = XMLElement("os")
        var typeElement = XMLElement("type", children: [.text(type)])
        typeElement.set("arch", architecture)
        typeElement.set("machine", machine)
        os.append(typeElement)
        os.append(contentsOf: verbatim.filter { ["loader", "nvram"].contains($0.name) })
        os.appendText("kernel", kernel)
        os.appendText("initrd", initrd)
        os.appendText("cmdline", commandLine)
        os.appendText("dtb", dtb)
        os.append(contentsOf: bootDevices.map { XMLElement("boot", attributes: [("dev", $0)]) })
        os.append(contentsOf: verbatim.filter { !["loader", "nvram"].contains($0.name) })
        return os
    }
}

extension XMLElement {
    /// The element without whitespace-only text nodes, so a verbatim copy formats like libvirt's output.
    public var withoutBlankText: XMLElement {
        var copy = self
        copy.children = children.compactMap { node in
            switch node {
            case .text(let text): text.allSatisfy(\.isWhitespace) ? nil : node
            case .element(let element): .element(element.withoutBlankText)
            case .comment: node
            }
        }
        return copy
    }
}
