import NetCore
import NetXML

/// What starting a network put on the host, kept in the state directory so a restarted daemon
/// knows what it owns (and what to remove).
public struct NetworkRuntime: Sendable, Equatable {
    /// The bridge the network's ports attach to (its own, or the host bridge of a bridge network):
    /// validated once, when the network is planned, and handed to the host as it is.
    public var bridge: InterfaceName?
    /// True when Patchbay created the bridge (and must delete it on stop).
    public var ownsBridge: Bool = false
    /// The network's nftables table, if it has one.
    public var firewallTable: String?
    /// The dnsmasq process serving the network, if any.
    public var dnsmasqPID: Int32?
    /// Device group of the kernel objects created for the network (one-request teardown).
    public var deviceGroup: UInt32?

    /// An empty runtime.
    public init(bridge: InterfaceName? = nil, ownsBridge: Bool = false, firewallTable: String? = nil, dnsmasqPID: Int32? = nil,
                deviceGroup: UInt32? = nil) {
        self.bridge = bridge
        self.ownsBridge = ownsBridge
        self.firewallTable = firewallTable
        self.dnsmasqPID = dnsmasqPID
        self.deviceGroup = deviceGroup
    }

    /// The `<runtime>` element of a network status file.
    public var xml: XMLElement {
        var element = XMLElement("runtime")
        element.set("bridge", bridge?.value)
        if ownsBridge { element.set("ownsBridge", "yes") }
        element.set("firewallTable", firewallTable)
        element.set("dnsmasqPid", dnsmasqPID.map { String($0) })
        element.set("deviceGroup", deviceGroup.map { String($0) })
        return element
    }

    /// Reads a `<runtime>` element.
    public init(xml element: XMLElement) {
        // A name the kernel would refuse was never a bridge of ours (start validates it first).
        bridge = element.attribute("bridge").flatMap { try? InterfaceName($0) }
        ownsBridge = element.attribute("ownsBridge") == "yes"
        firewallTable = element.attribute("firewallTable")
        dnsmasqPID = element.attribute("dnsmasqPid").flatMap { Int32($0) }
        deviceGroup = element.attribute("deviceGroup").flatMap { UInt32($0) }
    }
}
