import NetCore
import NetXML

/// The `<driver>` of a virtio NIC: backend, queues and offload switches.
public struct InterfaceDriver: Hashable, Sendable {
    /// Who implements the virtio device's data path.
    public enum Backend: String, Sendable, CaseIterable {
        /// QEMU's user-space implementation.
        case qemu
        /// The vhost-net kernel module.
        case vhost
    }

    /// How transmission is delayed.
    public enum TransmitMode: String, Sendable, CaseIterable {
        /// A QEMU I/O thread.
        case iothread
        /// A timer.
        case timer
    }

    /// Host-side offloads (`<host .../>`), in libvirt's attribute order.
    public static let hostOffloads = ["csum", "gso", "tso4", "tso6", "ecn", "ufo", "mrg_rxbuf"]
    /// Guest-side offloads (`<guest .../>`), in libvirt's attribute order.
    public static let guestOffloads = ["csum", "tso4", "tso6", "ecn", "ufo"]
    /// The virtio transport options libvirt accepts on any virtio device, in its order.
    public static let virtioOptions = ["iommu", "ats", "packed", "page_per_vq"]

    /// Backend name.
    public var backend: Backend?
    /// Transmit mode.
    public var transmitMode: TransmitMode?
    /// ioeventfd on/off.
    public var ioeventfd: Bool?
    /// event_idx on/off.
    public var eventIndex: Bool?
    /// Number of queue pairs.
    public var queues: UInt32?
    /// Receive ring size (a power of two).
    public var rxQueueSize: UInt32?
    /// Transmit ring size (a power of two).
    public var txQueueSize: UInt32?
    /// Receive-side scaling.
    public var rss: Bool?
    /// Hash report for RSS.
    public var rssHashReport: Bool?
    /// Transport options (iommu, ats, packed, page_per_vq) that are set.
    public var virtioOptions: [String: Bool] = [:]
    /// Host offloads that are set.
    public var host: [String: Bool] = [:]
    /// Guest offloads that are set.
    public var guest: [String: Bool] = [:]

    /// Parses `<driver>`. libvirt reads the transport options (iommu, ats, packed, page_per_vq) of
    /// every NIC but the rest only of a NIC written with a virtio model: `virtio` false reads only those.
    public init(xml element: XMLElement, virtio: Bool = true) throws(PatchbayError) {
        for option in Self.virtioOptions {
            if let value = try element.domainOnOff(option) { virtioOptions[option] = value }
        }
        guard virtio else { return }
        backend = try element.domainEnum("name", Backend.self)
        transmitMode = try element.domainEnum("txmode", TransmitMode.self)
        ioeventfd = try element.domainOnOff("ioeventfd")
        eventIndex = try element.domainOnOff("event_idx")
        // Zero means "not set" to libvirt, which then prints nothing.
        func positive(_ name: String) throws(PatchbayError) -> UInt32? {
            guard let value = try element.domainUnsigned(name), value > 0 else { return nil }
            return value
        }
        queues = try positive("queues")
        rxQueueSize = try positive("rx_queue_size")
        txQueueSize = try positive("tx_queue_size")
        rss = try element.domainOnOff("rss")
        rssHashReport = try element.domainOnOff("rss_hash_report")
        if let host = element.element("host") {
            for name in Self.hostOffloads { if let value = try host.domainOnOff(name) { self.host[name] = value } }
        }
        if let guest = element.element("guest") {
            for name in Self.guestOffloads { if let value = try guest.domainOnOff(name) { self.guest[name] = value } }
        }
    }

    /// The QEMU driver's check for virtio NICs: rings are allocated in powers of two.
    public func checkQueueSizes() throws(PatchbayError) {
        if let size = rxQueueSize, size & (size - 1) != 0 {
            throw PatchbayError(.configUnsupported, "rx_queue_size has to be a power of two", domain: .domain)
        }
        if let size = txQueueSize, size & (size - 1) != 0 {
            throw PatchbayError(.configUnsupported, "tx_queue_size has to be a power of two", domain: .domain)
        }
    }

    /// The `<driver>` element, or nil when nothing is set (libvirt then omits it).
    public var xml: XMLElement? {
        var element = XMLElement("driver")
        element.set("name", backend?.rawValue)
        element.set("txmode", transmitMode?.rawValue)
        element.set("ioeventfd", onOffText(ioeventfd))
        element.set("event_idx", onOffText(eventIndex))
        element.set("queues", queues.map { String($0) })
        element.set("rx_queue_size", rxQueueSize.map { String($0) })
        element.set("tx_queue_size", txQueueSize.map { String($0) })
        element.set("rss", onOffText(rss))
        element.set("rss_hash_report", onOffText(rssHashReport))
        for option in Self.virtioOptions { element.set(option, onOffText(virtioOptions[option])) }
        if !host.isEmpty {
            var child = XMLElement("host")
            for name in Self.hostOffloads { child.set(name, onOffText(host[name])) }
            element.append(child)
        }
        if !guest.isEmpty {
            var child = XMLElement("guest")
            for name in Self.guestOffloads { child.set(name, onOffText(guest[name])) }
            element.append(child)
        }
        return element.attributes.isEmpty && element.elements.isEmpty ? nil : element
    }
}
