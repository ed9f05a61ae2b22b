import HostNet
import HostOS
import NetConf
import NetCore
import NetXML

/// How one NIC is wired, as far as the host is concerned.
public struct NICWire: Sendable, Hashable {
    /// What the `<interface>` asked for.
    public var connection: NICConnection
    /// The port on `connection`'s network (network connections only).
    public var port: LibvirtUUID?
    /// Where the tap is attached (nil: nothing, or not yet planned).
    public var attachment: NICAttachment?
    /// The bandwidth in effect on the attachment (for networks: the port's, portgroup resolved).
    public var bandwidth: Bandwidth?

    /// A wire.
    public init(connection: NICConnection, port: LibvirtUUID? = nil, attachment: NICAttachment? = nil, bandwidth: Bandwidth? = nil) {
        self.connection = connection
        self.port = port
        self.attachment = attachment
        self.bandwidth = bandwidth
    }

    /// Nothing at all.
    public static let unplugged = NICWire(connection: .unplugged)

    var xml: XMLElement {
        var element = connection.xml
        element.set("port", port?.description)
        if let attachment {
            var attached = XMLElement("attachment")
            for line in attachment.ledgerLines {
                let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
                if parts.count == 2 { attached.set(parts[0], parts[1]) }
            }
            element.append(attached)
        }
        element.append(bandwidth?.xml())
        return element
    }

    init(ledger element: XMLElement) throws(PatchbayError) {
        connection = try NICConnection(ledger: element)
        port = try element.attribute("port").map { t throws(PatchbayError) in try LibvirtUUID(t) }
        if let attached = element.element("attachment") {
            let keys = ["tap", "mac", "bridge", "direct", "macvlan", "original-lower-mac"]
            let pairs = keys.compactMap { key in attached.attribute(key).map { (key: key, value: $0) } }
            attachment = try NICAttachment(ledger: pairs)
        }
        bandwidth = try element.element("bandwidth").flatMap { e throws(PatchbayError) in try Bandwidth.parse(e) }
    }
}

/// Where a NIC's change stands; recorded before each step's host work so recovery knows what
/// may exist. Before `.committed` a crash rolls back to `current`; from it, forward.
public enum NICStep: String, Sendable {
    /// The destination's port may exist.
    case port
    /// The destination's attachment may exist (macvlan), the tap may point at it.
    case attach
    /// The tap carries traffic on the destination; `retired` (the old wiring) may still exist.
    case committed
}

/// The NIC's durable record: written atomically before any kernel change, so that after a crash
/// at any instant the NIC ends on exactly one network and the port ledger agrees.
public struct NICRecord: Sendable, Hashable {
    /// The NIC.
    public var nic: GuestNIC
    /// The link state the user asked for (`<link state=>`), kept while unplugged.
    public var linkUp: Bool
    /// The wiring in effect.
    public var current: NICWire
    /// A change in flight: the destination (before `.committed`) or the old wiring being torn
    /// down (at `.committed`).
    public var pending: NICWire?
    /// How far the change got.
    public var step: NICStep?

    /// A record of a NIC wired to `current`.
    public init(nic: GuestNIC, linkUp: Bool = true, current: NICWire = .unplugged) {
        self.nic = nic
        self.linkUp = linkUp
        self.current = current
    }

    /// Whether the guest should see a carrier.
    public var guestLinkUp: Bool { linkUp && current.connection.isPlugged && current.attachment != nil }

    var xml: XMLElement {
        var element = XMLElement("nic", attributes: [
            ("domain", nic.domain), ("uuid", nic.domainUUID.description), ("alias", nic.alias),
            ("tap", nic.tap.value), ("mac", nic.mac.description), ("link", linkUp ? "up" : "down"),
        ])
        element.set("model", nic.model)
        var current = XMLElement("current")
        current.append(self.current.xml)
        element.append(current)
        if let pending, let step {
            var change = XMLElement("pending", attributes: [("step", step.rawValue)])
            change.append(pending.xml)
            element.append(change)
        }
        return element
    }

    init(ledger element: XMLElement) throws(PatchbayError) {
        guard element.localName == "nic", let domain = element.attribute("domain"), let uuid = element.attribute("uuid"),
              let alias = element.attribute("alias"), let tap = element.attribute("tap"), let mac = element.attribute("mac"),
              let currentElement = element.element("current")?.element("connection") else {
            throw .internalError("malformed NIC ledger record")
        }
        nic = GuestNIC(domain: domain, domainUUID: try LibvirtUUID(uuid), alias: alias, tap: try InterfaceName(tap),
                       mac: try MACAddress(mac), model: element.attribute("model"))
        linkUp = element.attribute("link") != "down"
        current = try NICWire(ledger: currentElement)
        if let change = element.element("pending"), let wire = change.element("connection") {
            pending = try NICWire(ledger: wire)
            step = change.attribute("step").flatMap(NICStep.init)
        }
    }
}

/// The NIC records in `<state>/nics/`, one atomic file per NIC named after its domain's UUID and alias.
struct NICLedger: Sendable {
    let directory: String

    init(stateDirectory: String) throws(PatchbayError) {
        directory = stateDirectory + "/nics"
        try AtomicFile.makeDirectory(stateDirectory)
        try AtomicFile.makeDirectory(directory)
    }

    func path(_ nic: GuestNIC) -> String { path(domain: nic.domainUUID, alias: nic.alias) }

    func path(domain: LibvirtUUID, alias: String) -> String {
        // Aliases are letters, digits, '-' and '_' (libvirt's rule), so they are safe in a file name.
        "\(directory)/\(domain)-\(alias).xml"
    }

    func save(_ record: NICRecord) throws(PatchbayError) {
        try AtomicFile.write(XMLWriter.document(record.xml), to: path(record.nic))
    }

    func load(domain: LibvirtUUID, alias: String) throws(PatchbayError) -> NICRecord? {
        guard let text = AtomicFile.readText(path(domain: domain, alias: alias)) else { return nil }
        return try NICRecord(ledger: try XMLParser.parse(text))
    }

    func remove(_ nic: GuestNIC) throws(PatchbayError) { try AtomicFile.remove(path(nic)) }

    /// Every record (unreadable ones are skipped and returned by name).
    func all() -> (records: [NICRecord], unreadable: [String]) {
        var records: [NICRecord] = []
        var unreadable: [String] = []
        for name in AtomicFile.list(directory, suffix: ".xml") {
            do throws(PatchbayError) {
                guard let text = AtomicFile.readText("\(directory)/\(name)") else { continue }
                records.append(try NICRecord(ledger: try XMLParser.parse(text)))
            } catch {
                unreadable.append(name)
            }
        }
        return (records, unreadable)
    }
}
