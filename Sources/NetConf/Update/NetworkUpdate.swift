import NetCore
import NetXML

/// libvirt's `virNetworkUpdateSection`.
public enum NetworkUpdateSection: Int32, Sendable, CaseIterable {
    /// VIR_NETWORK_SECTION_NONE
    case none = 0
    /// VIR_NETWORK_SECTION_BRIDGE
    case bridge = 1
    /// VIR_NETWORK_SECTION_DOMAIN
    case domain = 2
    /// VIR_NETWORK_SECTION_IP
    case ip = 3
    /// VIR_NETWORK_SECTION_IP_DHCP_HOST
    case ipDHCPHost = 4
    /// VIR_NETWORK_SECTION_IP_DHCP_RANGE
    case ipDHCPRange = 5
    /// VIR_NETWORK_SECTION_FORWARD
    case forward = 6
    /// VIR_NETWORK_SECTION_FORWARD_INTERFACE
    case forwardInterface = 7
    /// VIR_NETWORK_SECTION_FORWARD_PF
    case forwardPF = 8
    /// VIR_NETWORK_SECTION_PORTGROUP
    case portgroup = 9
    /// VIR_NETWORK_SECTION_DNS_HOST
    case dnsHost = 10
    /// VIR_NETWORK_SECTION_DNS_TXT
    case dnsTXT = 11
    /// VIR_NETWORK_SECTION_DNS_SRV
    case dnsSRV = 12
}

/// libvirt's `virNetworkUpdateCommand`.
public enum NetworkUpdateCommand: Int32, Sendable, CaseIterable {
    /// VIR_NETWORK_UPDATE_COMMAND_NONE
    case none = 0
    /// VIR_NETWORK_UPDATE_COMMAND_MODIFY
    case modify = 1
    /// VIR_NETWORK_UPDATE_COMMAND_DELETE
    case delete = 2
    /// VIR_NETWORK_UPDATE_COMMAND_ADD_LAST
    case addLast = 3
    /// VIR_NETWORK_UPDATE_COMMAND_ADD_FIRST
    case addFirst = 4
}

extension NetworkDefinition {
    /// Applies oneextension NetworkDefinition {
    /// Applies one net-update command to this definition; on error the definition is unchanged.
    ///
    /// - Parameters:
    ///   - parentIndex: which `<ip>` a DHCP section refers to; -1 picks the one running DHCP.
    ///   - xml: the section's element (e.g. `<host mac=... ip=.../>` for `ipDHCPHost`).
    public mutating func update(command: NetworkUpdateCommand, section: NetworkUpdateSection,
                                parentIndex: Int, xml: String) throws(PatchbayError) {
        let fragment = try XMLParser.parse(xml, url: "network_update_xml")
        // Work on a copy so that a refusal halfway through leaves the definition untouched.
        var updated = self
        var context = NetworkUpdateContext(command: command, fragment: fragment)
        switch section {
        case .bridge: throw updated.cannotUpdate("bridge")
        case .domain: throw updated.cannotUpdate("domain")
        case .ip: throw updated.cannotUpdate("ip")
        case .forward: throw updated.cannotUpdate("forward")
        case .forwardPF: throw updated.cannotUpdate("forward pf")
        case .ipDHCPHost: try updated.updateDHCPHost(&context, parentIndex: parentIndex)
        case .ipDHCPRange: try updated.updateDHCPRange(&context, parentIndex: parentIndex)
        case .forwardInterface: try updated.updateForwardInterface(&context)
        case .portgroup: try updated.updatePortgroup(&context)
        case .dnsHost: try updated.updateDNSHost(&context)
        case .dnsTXT: try updated.updateDNSTxt(&context)
        case .dnsSRV: try updated.updateDNSSrv(&context)
        case .none: throw PatchbayError(.operationUnsupported, "can't update unrecognized section of network")
        }
        self = updated
    }

    /// libvirt's refusal for sections net-update cannot change.
    func cannotUpdate(_ section: String) -> PatchbayError {
        PatchbayError(.noSupport, "can't update '\(section)' section of network '\(name)'")
    }
}

/// The command and parsed fragment of one net-update call.
struct NetworkUpdateContext {
    /// What to do.
    let command: NetworkUpdateCommand
    /// The section element from the caller.
    let fragment: XMLElement

    /// True for add-first and add-last.
    var isAdd: Bool { command == .addFirst || command == .addLast }

    /// Refuses a fragment whose element is not the one the section is about.
    func expectElement(_ name: String, network: String) throws(PatchbayError) {
        guard fragment.name == name, fragment.namespaceURI == nil else {
            throw .xml("unexpected element <\(fragment.name)>, expecting <\(name)>, while updating network '\(network)'")
        }
    }

    /// libvirt's answer to a command code it does not know.
    var unknownCommand: PatchbayError {
        PatchbayError(.operationUnsupported, "unrecognized network update command code \(command.rawValue)")
    }

    /// Inserts at the front or the back of `list` according to the add command.
    func insert<T>(_ item: T, into list: inout [T]) {
        if command == .addFirst { list.insert(item, at: 0) } else { list.append(item) }
    }
}
