import NetCore
import NetXML

// PLACEHOLDER: replaced by the net-update work.
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
    /// Applies one net-update command to this definition; on error the definition is unchanged.
    public mutating func update(command: NetworkUpdateCommand, section: NetworkUpdateSection,
                                parentIndex: Int, xml: String) throws(PatchbayError) {
        throw .internalError("net-update is not implemented yet")
    }
}
