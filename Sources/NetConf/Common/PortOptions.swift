import NetCore
import NetXML

/// libvirt's `<port isolated='yes|no'/>`: whether the port may talk to other isolated ports.
public struct PortOptions: Hashable, Sendable {
    /// True: traffic to other isolated ports of the bridge is dropped.
    public var isolated: Bool?

    public init(isolated: Bool?) { self.isolated = isolated }

    /// Parses `<port>`; nil when it sets nothing.
    public static func parse(_ element: XMLElement) throws(PatchbayError) -> PortOptions? {
        let isolated = try element.yesNo("isolated")
        return isolated == nil ? nil : PortOptions(isolated: isolated)
    }

    /// The `<port>` element.
    public var xml: XMLElement {
        var element = XMLElement("port")
        element.set("isolated", yesNoText(isolated))
        return element
    }
}
