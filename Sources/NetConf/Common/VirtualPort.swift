import NetCore
import NetXML

/// libvirt's `<virtualport>`: the port profile a switch applies (802.1Qbg/Qbh, Open vSwitch, MidoNet).
///
/// In network and portgroup definitions it may be partial (no type, some parameters); the driver
/// merges interface, portgroup and network profiles (seed 002) before it is used.
public struct VirtualPort: Hashable, Sendable {
    /// The profile type.
    public enum Kind: String, Sendable, CaseIterable {
        /// VEPA with VDP (needs lldpad).
        case qbg = "802.1Qbg"
        /// Cisco VN-Link port profiles.
        case qbh = "802.1Qbh"
        /// An Open vSwitch port.
        case openvswitch
        /// A MidoNet virtual port.
        case midonet
    }

    /// The type; nil when it is left to be merged from elsewhere.
    public var kind: Kind?
    /// 802.1Qbg VSI manager id (0–255).
    public var managerID: UInt8?
    /// 802.1Qbg VSI type id (24 bits).
    public var typeID: UInt32?
    /// 802.1Qbg VSI type version (0–255).
    public var typeIDVersion: UInt8?
    /// 802.1Qbg VSI instance UUID.
    public var instanceID: LibvirtUUID?
    /// Open vSwitch / MidoNet interface UUID.
    public var interfaceID: LibvirtUUID?
    /// 802.1Qbh / Open vSwitch profile name.
    public var profileID: String?

    /// Longest profile id the kernel's IFLA_PORT_PROFILE carries.
    public static let maximumProfileLength = 39

    /// Creates a profile from parts, checking that each parameter belongs to the type.
    public init(kind: Kind?, managerID: UInt8? = nil, typeID: UInt32? = nil, typeIDVersion: UInt8? = nil,
                instanceID: LibvirtUUID? = nil, interfaceID: LibvirtUUID? = nil, profileID: String? = nil) throws(PatchbayError) {
        self.kind = kind
        self.managerID = managerID
        self.typeID = typeID
        self.typeIDVersion = typeIDVersion
        self.instanceID = instanceID
        self.interfaceID = interfaceID
        self.profileID = profileID
        try checkNoExtras()
    }

    /// Parses `<virtualport>`.
    public init(xml element: XMLElement) throws(PatchbayError) {
        let kindText = element.attribute("type")
        var kind: Kind?
        if let kindText {
            guard let parsed = Kind(rawValue: kindText) else {
                throw .xml("unknown virtualport type \(kindText)")
            }
            kind = parsed
        }
        guard let parameters = try element.single("parameters") else {
            try self.init(kind: kind)
            return
        }
        func number(_ name: String, _ maximum: UInt64) throws(PatchbayError) -> UInt64? {
            guard let text = parameters.attribute(name) else { return nil }
            // A number that does not fit 32 bits cannot be parsed at all, for libvirt.
            guard let value = LibvirtNumber.unsigned(text, allowHex: true), value <= UInt64(UInt32.max) else {
                throw .xml("cannot parse value of \(name) parameter")
            }
            guard value <= maximum else { throw .xml("value of \(name) out of range") }
            return value
        }
        func uuid(_ name: String) throws(PatchbayError) -> LibvirtUUID? {
            guard let text = parameters.attribute(name) else { return nil }
            do { return try LibvirtUUID(text) } catch { throw .xml("cannot parse \(name) parameter as a uuid") }
        }
        var profile = parameters.attribute("profileid")
        if let text = profile {
            guard text.utf8.count <= Self.maximumProfileLength else { throw .xml("profileid parameter too long") }
            if text.isEmpty { profile = nil }
        }
        try self.init(kind: kind,
                      managerID: try number("managerid", 255).map { UInt8($0) },
                      typeID: try number("typeid", 0xFFFFFF).map { UInt32($0) },
                      typeIDVersion: try number("typeidversion", 255).map { UInt8($0) },
                      instanceID: try uuid("instanceid"),
                      interfaceID: try uuid("interfaceid"),
                      profileID: profile)
    }

    /// Names of the parameters that are set, for error messages.
    var setParameters: [String] {
        var names: [String] = []
        if managerID != nil { names.append("managerid") }
        if typeID != nil { names.append("typeid") }
        if typeIDVersion != nil { names.append("typeidversion") }
        if instanceID != nil { names.append("instanceid") }
        if profileID != nil { names.append("profileid") }
        if interfaceID != nil { names.append("interfaceid") }
        return names
    }

    private func checkNoExtras() throws(PatchbayError) {
        guard let kind else { return }
        let allowed: Set<String> = switch kind {
        case .qbg: ["managerid", "typeid", "typeidversion", "instanceid"]
        case .qbh: ["profileid"]
        case .openvswitch: ["profileid", "interfaceid"]
        case .midonet: ["interfaceid"]
        }
        if let extra = setParameters.first(where: { !allowed.contains($0) }) {
            throw .xml("extra \(extra) unsupported in <virtualport type='\(kind.rawValue)'>")
        }
    }

    /// Checks that every parameter the type needs is present (libvirt's "complete" check, done at use time).
    public func checkComplete() throws(PatchbayError) {
        switch kind {
        case .qbg:
            if managerID == nil { throw .xml("missing managerid in <virtualport type='802.1Qbg'>") }
            if typeID == nil { throw .xml("missing typeid in <virtualport type='802.1Qbg'>") }
            if typeIDVersion == nil { throw .xml("missing typeidversion in <virtualport type='802.1Qbg'>") }
        case .qbh:
            if profileID == nil { throw .xml("missing profileid in <virtualport type='802.1Qbh'>") }
        case .midonet:
            if interfaceID == nil { throw .xml("missing interfaceid in <virtualport type='midonet'>") }
        case .openvswitch, nil:
            break
        }
    }

    /// The element as libvirt formats it; `<parameters>` only when some parameter is set.
    public var xml: XMLElement {
        var element = XMLElement("virtualport")
        element.set("type", kind?.rawValue)
        var parameters = XMLElement("parameters")
        parameters.set("managerid", managerID.map { String($0) })
        parameters.set("typeid", typeID.map { String($0) })
        parameters.set("typeidversion", typeIDVersion.map { String($0) })
        parameters.set("instanceid", instanceID?.description)
        parameters.set("interfaceid", interfaceID?.description)
        parameters.set("profileid", profileID)
        if !parameters.attributes.isEmpty { element.append(parameters) }
        return element
    }
}
