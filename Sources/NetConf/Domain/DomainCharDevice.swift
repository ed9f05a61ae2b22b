import NetCore
import NetXML

/// A `<serial>` or `<console>`. Patchbay runs `file` and `pty` character devices; other kinds
/// are kept so they format back and are refused when the guest starts.
public struct DomainCharDevice: Hashable, Sendable {
    /// serial or console.
    public var element: String
    /// `type=`: file, pty, unix, tcp, null, stdio, ...
    public var type: String
    /// `<source path=>` (the file, or a pty's device once running).
    public var path: String?
    /// `<source>` with more than a path (append=, mode=, host=...), as written.
    public var source: XMLElement?
    /// `<target type=>` (consoles: serial, virtio, ...; serials: isa-serial, ...).
    public var targetType: String?
    /// `<target port=>`.
    public var targetPort: UInt32?
    /// Other children of `<target>` (model) and of the device (log, alias, address, ...).
    public var targetChildren: [XMLElement]
    public var verbatim: [XMLElement]

    static let types: Set<String> = ["null", "vc", "pty", "dev", "file", "pipe", "stdio", "udp", "tcp", "unix",
                                     "spicevmc", "spiceport", "nmdm", "qemu-vdagent", "dbus"]

    init(xml element: XMLElement) throws(PatchbayError) {
        self.element = element.name
        type = element.attribute("type") ?? "pty"
        guard Self.types.contains(type) else { throw element.invalidValue("type", type) }
        let sourceElement = element.element("source")
        path = sourceElement?.attribute("path")
        if let sourceElement, sourceElement.attributes.contains(where: { $0.name != "path" }) || !sourceElement.isEmpty {
            source = sourceElement.withoutBlankText
        }
        if ["file", "pipe", "dev"].contains(type) && path == nil {
            throw PatchbayError(.internalError, "Missing source path attribute for char device", domain: .domain)
        }
        let target = element.element("target")
        targetType = target?.attribute("type")
        targetPort = try target?.domainUnsigned("port")
        targetChildren = target?.elements.map(\.withoutBlankText) ?? []
        verbatim = element.elements.filter { !["source", "target"].contains($0.name) }.map(\.withoutBlankText)
    }

    /// Whether the console is the guest's serial port 0 (its target is serial, or unset on hvm).
    var isSerialConsole: Bool { targetType == nil || targetType == "serial" }

    /// This device seen as another element (a console copied from a serial port, or back).
    func copy(as name: String) -> DomainCharDevice {
        var copy = self
        copy.element = name
        return copy
    }

    public var xml: XMLElement {
        var out = XMLElement(element, attributes: [("type", type)])
        if let source {
            out.append(source)
        } else if let path {
            out.append(XMLElement("source", attributes: [("path", path)]))
        }
        var target = XMLElement("target")
        target.set("type", targetType)
        target.set("port", targetPort.map(String.init))
        target.append(contentsOf: targetChildren)
        out.append(target)
        out.append(contentsOf: verbatim)
        return out
    }

    /// libvirt's console/serial compatibility on hvm guests: serial ports are numbered in order; the
    /// first console, when it is a serial console, is a copy of serial port 0 (which is created from
    /// it when there is none); a serial port with no console gets one; a first console of another
    /// kind (virtio) gets a serial console put before it.
    static func reconcile(serials: inout [DomainCharDevice], consoles: inout [DomainCharDevice]) {
        // Unnumbered ports get numbers after the highest written one, in order.
        var next: UInt32 = serials.compactMap(\.targetPort).max().map { $0 + 1 } ?? 0
        for index in serials.indices where serials[index].targetPort == nil {
            serials[index].targetPort = next
            next += 1
        }
        if let first = consoles.first, first.isSerialConsole {
            if serials.isEmpty {
                var serial = first.copy(as: "serial")
                serial.targetType = nil
                serial.targetPort = first.targetPort ?? 0
                serials = [serial]
            }
            consoles[0] = serialConsole(of: serials[0])
        } else if let serial = serials.first {
            consoles.insert(serialConsole(of: serial), at: 0)
        }
        for index in consoles.indices.dropFirst() where consoles[index].targetPort == nil {
            consoles[index].targetPort = 0
        }
    }

    private static func serialConsole(of serial: DomainCharDevice) -> DomainCharDevice {
        var console = serial.copy(as: "console")
        console.targetType = "serial"
        console.targetChildren = []
        console.verbatim = serial.verbatim.filter { $0.name != "address" }
        return console
    }
}
