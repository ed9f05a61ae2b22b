import NetCore
import NetConf

extension ConformanceRunner {
    /// `networkxml2xmlupdate`: test_name, macro, section, command, declared_index,
    /// effective_parentIndex, effective_format_flags, expect, base_network, update_fragment, expected_output.
    func networkXML2XMLUpdate(_ row: [String]) -> [CaseResult] {
        let corpus = "networkxml2xmlupdate"
        guard row.count >= 11 else { return malformed(corpus, row, expected: 11) }
        let name = row[0]
        func result(_ outcome: CaseResult.Outcome) -> [CaseResult] { [CaseResult(corpus: corpus, name: name, outcome: outcome)] }
        guard let section = updateSection(row[2]) else { return result(.fail("unknown section \(row[2])")) }
        guard let command = updateCommand(row[3]) else { return result(.fail("unknown command \(row[3])")) }
        guard let parentIndex = Int(row[5]) else { return result(.fail("bad parent index \(row[5])")) }
        let flags = formatFlags(row[6])
        let expectFailure = row[7].hasPrefix("fail")
        do throws(PatchbayError) {
            var network = try NetworkDefinition.parse(xml: try read(row[8]))
            let fragment = try read(row[9])
            do throws(PatchbayError) {
                try network.update(command: command, section: section, parentIndex: parentIndex, xml: fragment)
            } catch {
                return result(expectFailure ? .pass : .fail("update refused: \(error.message)"))
            }
            if expectFailure { return result(.fail("update accepted where libvirt refuses it")) }
            let formatted = network.formatXML(inactive: flags.inactive)
            if let difference = XMLComparison.difference(expectedText: try read(row[10]), actualText: formatted) {
                return result(.fail(difference))
            }
            return result(.pass)
        } catch {
            return result(.fail(error.message))
        }
    }
}

/// `VIR_NETWORK_SECTION_IP_DHCP_HOST` and friends, or the number.
func updateSection(_ text: String) -> NetworkUpdateSection? {
    if let number = Int32(text) { return NetworkUpdateSection(rawValue: number) }
    let names: [String: NetworkUpdateSection] = [
        "NONE": .none, "BRIDGE": .bridge, "DOMAIN": .domain, "IP": .ip, "IP_DHCP_HOST": .ipDHCPHost,
        "IP_DHCP_RANGE": .ipDHCPRange, "FORWARD": .forward, "FORWARD_INTERFACE": .forwardInterface,
        "FORWARD_PF": .forwardPF, "PORTGROUP": .portgroup, "DNS_HOST": .dnsHost, "DNS_TXT": .dnsTXT, "DNS_SRV": .dnsSRV,
    ]
    let prefix = "VIR_NETWORK_SECTION_"
    return names[text.hasPrefix(prefix) ? String(text.dropFirst(prefix.count)) : text]
}

/// `VIR_NETWORK_UPDATE_COMMAND_ADD_LAST` and friends, or the number.
func updateCommand(_ text: String) -> NetworkUpdateCommand? {
    if let number = Int32(text) { return NetworkUpdateCommand(rawValue: number) }
    let names: [String: NetworkUpdateCommand] = [
        "NONE": .none, "MODIFY": .modify, "DELETE": .delete, "ADD_LAST": .addLast, "ADD_FIRST": .addFirst,
    ]
    let prefix = "VIR_NETWORK_UPDATE_COMMAND_"
    return names[text.hasPrefix(prefix) ? String(text.dropFirst(prefix.count)) : text]
}
