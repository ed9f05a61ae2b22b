import NetCore
import NetXML

/// `<backend tap= vhost= type= logFile=/>`: host-side device paths and the user-mode implementation.
public struct InterfaceBackend: Hashable, Sendable {
    /// Which user-mode networking implementation serves a user interface.
    public enum Kind: String, Sendable, CaseIterable {
        /// SLIRP inside QEMU.
        case `default`
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

    /// Parses `<backend>`; nil when it sets nothing.
    public static func parse(_ element: XMLElement) throws(PatchbayError) -> InterfaceBackend? {
        let backend = InterfaceBackend(tap: element.attribute("tap"), vhost: element.attribute("vhost"),
                                       kind: try element.enumeration("type", Kind.self), logFile: element.attribute("logFile"))
        return backend.xml == nil ? nil : backend
    }

    /// The `<backend>` element, or nil when empty. `type='default'` is not printed, as libvirt does.
    public var xml: XMLElement? {
        var element = XMLElement("backend")
        if let kind, kind != .default { element.set("type", kind.rawValue) }
        element.set("tap", tap)
        element.set("vhost", vhost)
        element.set("logFile", logFile)
        return element.attributes.isEmpty ? nil : element
    }
}
