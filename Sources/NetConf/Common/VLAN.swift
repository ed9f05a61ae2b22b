import NetCore
import NetXML

/// libvirt's `<vlan>`: one access tag, or a trunk of tags with an optional native one.
public struct VLAN: Hashable, Sendable {
    /// How the native VLAN's frames travel on a trunk.
    public enum NativeMode: String, Sendable, CaseIterable {
        /// Native VLAN frames carry a tag.
        case tagged
        /// Native VLAN frames are untagged.
        case untagged
    }

    /// Largest 802.1Q VLAN id.
    public static let maximumTag: UInt16 = 4095

    /// Tags in document order.
    public var tags: [UInt16]
    /// True when `trunk='yes'` was given (libvirt keeps it even for a single tag).
    public var trunk: Bool
    /// The native tag and its mode, if any.
    public var native: (tag: UInt16, mode: NativeMode)?

    /// Creates a VLAN setting, enforcing libvirt's rules.
    public init(tags: [UInt16], trunk: Bool = false, native: (tag: UInt16, mode: NativeMode)? = nil) throws(PatchbayError) {
        guard !tags.isEmpty else {
            throw .xml("missing tag id - each <vlan> must have at least one <tag id='n'/> subelement")
        }
        if let bad = tags.first(where: { $0 > Self.maximumTag }) {
            throw .xml("vlan tag id \(bad) too large (maximum \(Self.maximumTag))")
        }
        self.tags = tags
        self.trunk = trunk || tags.count > 1
        self.native = native
    }

    /// Parses `<vlan>`.
    public init(xml element: XMLElement) throws(PatchbayError) {
        var tags: [UInt16] = []
        var native: (tag: UInt16, mode: NativeMode)?
        for tag in element.elements("tag") {
            guard let idText = tag.attribute("id") else {
                throw .xml("Missing required attribute 'id' in element 'tag'")
            }
            guard let id = LibvirtNumber.unsigned(idText, allowHex: false), id <= UInt64(Self.maximumTag) else {
                if let id = LibvirtNumber.unsigned(idText, allowHex: false), id <= UInt64(UInt32.max) {
                    throw .xml("vlan tag id \(id) too large (maximum \(Self.maximumTag))")
                }
                throw .xml("Invalid value for attribute 'id' in element 'tag': '\(idText)'. Expected non-negative integer value")
            }
            if let modeText = tag.attribute("nativeMode"), NativeMode(rawValue: modeText) == nil {
                throw .xml("Invalid value for attribute 'nativeMode' in element 'tag': '\(modeText)'.")
            }
            if let mode = try tag.enumeration("nativeMode", NativeMode.self) {
                if native != nil {
                    throw .xml("duplicate native vlan setting")
                }
                native = (UInt16(id), mode)
            }
            tags.append(UInt16(id))
        }
        // An empty trunk attribute is no attribute.
        let trunkText = element.attribute("trunk").flatMap { $0.isEmpty ? nil : $0 }
        var trunk = false
        // libvirt compares without case, and reports a count or native-tag conflict before a bad word.
        if let trunkText {
            trunk = trunkText.lowercased() == "yes"
            if !trunk {
                if tags.count > 1 {
                    throw .xml("invalid \"trunk='\(trunkText)'\" in <vlan> - trunk='yes' is required for more than one vlan tag")
                }
                if native != nil {
                    throw .xml("invalid configuration in <vlan> - \"trunk='no'\" is not allowed with a native vlan id")
                }
                if trunkText.lowercased() != "no" {
                    throw .xml("invalid \"trunk='\(trunkText)'\" in <vlan> - must be yes or no")
                }
            }
        }
        try self.init(tags: tags, trunk: trunk, native: native)
    }

    /// The `<vlan>` element as libvirt formats it.
    public var xml: XMLElement {
        var element = XMLElement("vlan")
        if trunk { element.set("trunk", "yes") }
        for tag in tags {
            var child = XMLElement("tag", attributes: [("id", String(tag))])
            if let native, native.tag == tag { child.set("nativeMode", native.mode.rawValue) }
            element.append(child)
        }
        return element
    }

    /// Equality over tags, trunk and native setting.
    public static func == (lhs: VLAN, rhs: VLAN) -> Bool {
        lhs.tags == rhs.tags && lhs.trunk == rhs.trunk && lhs.native?.tag == rhs.native?.tag && lhs.native?.mode == rhs.native?.mode
    }

    /// Hash over tags and trunk.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(tags)
        hasher.combine(trunk)
        hasher.combine(native?.tag)
        hasher.combine(native?.mode)
    }
}
