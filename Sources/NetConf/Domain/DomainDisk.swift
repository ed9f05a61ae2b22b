import NetCore
import NetXML

/// A `<disk>`. Patchbay runs file-backed disks (`type='file'`, device disk or cdrom); other kinds
/// are kept so they format back, and refused when the guest starts (`DomainDefinition+Runnable`).
public struct DomainDisk: Hashable, Sendable {
    /// `type=`: file, block, network, volume, dir, nvme, vhostuser.
    public var type: String
    /// `device=`: disk (default), cdrom, floppy, lun.
    public var device: String
    /// `<driver>` as written (name, type, cache, ...).
    public var driver: XMLElement?
    /// `<source file=>` of a file disk (nil for an empty cdrom).
    public var sourceFile: String?
    /// `<source>` of other kinds, as written.
    public var source: XMLElement?
    /// `<target dev=>`.
    public var targetDevice: String
    /// `<target bus=>`: libvirt derives it from the device name's prefix when absent.
    public var bus: String
    /// `<readonly/>`.
    public var readOnly: Bool
    /// Other children (serial, boot, address, alias, iotune, ...), in document order.
    public var verbatim: [XMLElement]

    init(xml element: XMLElement) throws(PatchbayError) {
        type = element.attribute("type") ?? "file"
        guard ["file", "block", "dir", "network", "volume", "nvme", "vhostuser"].contains(type) else {
            throw element.invalidValue("type", type)
        }
        device = element.attribute("device") ?? "disk"
        guard ["disk", "cdrom", "floppy", "lun"].contains(device) else {
            throw element.invalidValue("device", device)
        }
        driver = element.element("driver")?.withoutBlankText
        let sourceElement = element.element("source")
        if type == "file" {
            sourceFile = sourceElement?.attribute("file")
            // A source with more than the file (seclabel, startupPolicy...) is kept whole.
            if let sourceElement, sourceElement.attributes.count > 1 || !sourceElement.isEmpty { source = sourceElement.withoutBlankText }
        } else {
            source = sourceElement?.withoutBlankText
        }
        guard let target = element.element("target"), let dev = target.attribute("dev") else {
            let name = sourceFile ?? sourceElement?.attribute("dev") ?? sourceElement?.attribute("name") ?? "<null>"
            throw PatchbayError(.noTarget, "missing target information for device \(name)", domain: .domain)
        }
        targetDevice = dev
        if let written = target.attribute("bus") {
            bus = written
        } else {
            bus = try Self.defaultBus(device: dev)
        }
        readOnly = element.element("readonly") != nil || device == "cdrom"
        let typed: Set<String> = ["driver", "source", "target", "readonly"]
        verbatim = element.elements.filter { !typed.contains($0.name) }.map(\.withoutBlankText)
        wasReadOnlyWritten = element.element("readonly") != nil
    }

    /// Whether `<readonly/>` was written (a cdrom is read-only anyway, but libvirt prints what was given).
    private var wasReadOnlyWritten: Bool

    /// libvirt's bus from the device name: hd→ide, sd→scsi, vd→virtio, xvd→xen, ub→usb, fd→fdc.
    private static func defaultBus(device: String) throws(PatchbayError) -> String {
        for (prefix, bus) in [("hd", "ide"), ("sd", "scsi"), ("vd", "virtio"), ("xvd", "xen"), ("ub", "usb"), ("fd", "fdc")]
        where device.hasPrefix(prefix) { return bus }
        throw PatchbayError(.internalError, "Invalid prefix or unsupported bus type for '\(device)'", domain: .domain)
    }

    /// libvirt's order: driver, source, backingStore, target, readonly, the rest.
    public var xml: XMLElement {
        var element = XMLElement("disk", attributes: [("type", type), ("device", device)])
        element.append(driver)
        if let source {
            element.append(source)
        } else if let sourceFile {
            element.append(XMLElement("source", attributes: [("file", sourceFile)]))
        }
        element.append(contentsOf: verbatim.filter { $0.name == "backingStore" })
        element.append(XMLElement("target", attributes: [("dev", targetDevice), ("bus", bus)]))
        if wasReadOnlyWritten { element.append(XMLElement("readonly")) }
        element.append(contentsOf: verbatim.filter { $0.name != "backingStore" })
        return element
    }
}
