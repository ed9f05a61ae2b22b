import NetCore
import NetXML

/// `<backend tap= vhost= type= logFile=/>`: host-side device paths and the user-mode implementation.
public struct InterfaceBackend: Hashable, Sendable {
    /// Which user-mode networking implementation serves a user interface (SLIRP when none is named:
    /// libvirt refuses to have `type='default'` written out).
    public enum Kind: String, Sendable, CaseIterable {
        /// The passt helper.
        case passt
    }

    /// Path of the tun device to open.
    public var tap: String?
    /// Path of the vhost-net device to open.
    public var vhost: String?
    /// User-mode implementation.
    public var kind: Kind?
    /// passt's log file.
    public var logFile: String?

    /// Parses `<backend>`; nil when it sets nothing. The vhost-net path is read only for a NIC written
    /// with a virtio model, as libvirt reads it.
    public static func parse(_ element: XMLElement, virtio: Bool) throws(PatchbayError) -> InterfaceBackend? {
        let backend = InterfaceBackend(tap: element.attribute("tap"), vhost: virtio ? element.attribute("vhost") : nil,
                                       kind: try element.domainEnum("type", Kind.self), logFile: element.attribute("logFile"))
        return backend.xml == nil ? nil : backend
    }

    /// The `<backend>` element, or nil when empty.
    public var xml: XMLElement? {
        var element = XMLElement("backend")
        element.set("type", kind?.rawValue)
        element.set("tap", tap)
        element.set("vhost", vhost)
        element.set("logFile", logFile)
        return element.attributes.isEmpty ? nil : element
    }
}
