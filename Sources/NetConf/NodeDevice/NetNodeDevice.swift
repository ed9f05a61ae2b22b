import NetCore
import NetXML

/// A host network device as a libvirt node device (`<device>` with a `net` capability, nodedev.rng).
public struct NetNodeDevice: Hashable, Sendable {
    /// Interface name.
    public var interface: String
    /// MAC address (nil for devices without one).
    public var mac: MACAddress?
    /// sysfs path, e.g. `/sys/devices/virtual/net/veth0`.
    public var path: String?
    /// Parent device name (`computer` for virtual devices and whenever the bus parent is unknown).
    public var parent: String
    /// Link speed in Mbit/s, when the device reports one.
    public var speed: UInt32?
    /// Operational state as libvirt words it (`up`, `down`, `lowerlayerdown`, `unknown`...).
    public var state: String?
    /// Offload features (ethtool names such as `rx`, `tx`, `sg`).
    public var features: [String]
    /// True for Ethernet-type devices (the `80203` sub-capability).
    public var ethernet: Bool

    /// A device.
    public init(interface: String, mac: MACAddress?, path: String? = nil, parent: String = "computer", speed: UInt32? = nil,
                state: String? = nil, features: [String] = [], ethernet: Bool = true) {
        self.interface = interface
        self.mac = mac
        self.path = path
        self.parent = parent
        self.speed = speed
        self.state = state
        self.features = features
        self.ethernet = ethernet
    }

    /// libvirt's name: `net_<interface>_<mac with underscores>` (all zeros when there is no MAC),
    /// with characters other than letters, digits and `_` replaced by `_`.
    public var name: String {
        let macPart = (mac?.description ?? "00:00:00:00:00:00").replacingColons
        let raw = "net_\(interface)_\(macPart)"
        return String(raw.map { $0.isLetter || $0.isNumber || $0 == "_" ? $0 : "_" })
    }

    /// The document as libvirt writes it.
    public var xml: XMLElement {
        var root = XMLElement("device")
        root.appendText("name", name)
        root.appendText("path", path)
        root.appendText("parent", parent)
        var capability = XMLElement("capability", attributes: [("type", "net")])
        capability.appendText("interface", interface)
        capability.appendText("address", mac?.description)
        if speed != nil || state != nil {
            var link = XMLElement("link")
            link.set("speed", speed.map(String.init))
            link.set("state", state)
            capability.append(link)
        }
        for feature in features { capability.append(XMLElement("feature", attributes: [("name", feature)])) }
        if ethernet { capability.append(XMLElement("capability", attributes: [("type", "80203")])) }
        root.append(capability)
        return root
    }

    /// The formatted document.
    public var formatted: String { XMLWriter.document(xml) }
}

/// The root node device, `computer` (capability `system`).
public struct ComputerNodeDevice: Hashable, Sendable {
    /// The machine's UUID, formatted (DMI product UUID, or derived from the machine id).
    public var uuid: String
    /// Product name, when known.
    public var product: String?

    public init(uuid: String, product: String? = nil) {
        self.uuid = uuid
        self.product = product
    }

    /// Its name.
    public static let name = "computer"

    /// The document as libvirt writes it.
    public var formatted: String {
        var root = XMLElement("device")
        root.appendText("name", Self.name)
        var capability = XMLElement("capability", attributes: [("type", "system")])
        capability.appendText("product", product)
        var hardware = XMLElement("hardware")
        hardware.appendText("uuid", uuid)
        capability.append(hardware)
        capability.append(XMLElement("firmware"))
        root.append(capability)
        return XMLWriter.document(root)
    }
}

extension String {
    fileprivate var replacingColons: String { String(map { $0 == ":" ? "_" : $0 }) }
}
