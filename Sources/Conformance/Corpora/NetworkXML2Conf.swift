import Foundation
import HostNet
import NetConf
import NetCore

extension ConformanceRunner {
    /// The dnsmasq that libvirt's networkxml2conftest pretends to have (the table's header).
    static let dnsmasqTestStateDirectory = "/var/lib/libvirt/dnsmasq"

    /// `networkxml2conf`: name, input, expected_conf, expected_hostsfile.
    /// Generate dnsmasq's configuration and DHCP hosts file and compare them byte for byte; a
    /// hosts file of `-` means none may be produced, a configuration of `-` that generation must fail.
    func networkXML2Conf(_ row: [String]) -> [CaseResult] {
        let corpus = "networkxml2conf"
        guard row.count >= 4 else { return malformed(corpus, row, expected: 4) }
        let (name, input, expectedConf, expectedHosts) = (row[0], row[1], row[2], row[3])
        func result(_ outcome: CaseResult.Outcome) -> [CaseResult] { [CaseResult(corpus: corpus, name: name, outcome: outcome)] }
        do throws(PatchbayError) {
            let network = try NetworkDefinition.parse(xml: try read(input))
            let capabilities = try DnsmasqCapabilities(binaryPath: "/usr/sbin/dnsmasq",
                                                       version: .init(major: 2, minor: 67))
            let configuration: DnsmasqConfiguration
            do throws(PatchbayError) {
                configuration = try DnsmasqConfiguration(network: network, capabilities: capabilities,
                                                         stateDirectory: Self.dnsmasqTestStateDirectory)
            } catch {
                return result(expectedConf == "-" ? .pass : .fail("refused: \(error.message)"))
            }
            if expectedConf == "-" { return result(.fail("generated a configuration libvirt refuses")) }
            if let difference = Self.firstDifference(expected: try read(expectedConf), actual: configuration.text) {
                return result(.fail("configuration differs: \(difference)"))
            }
            let hosts = configuration.hosts.dhcpHostsText
            if expectedHosts == "-" {
                if let hosts { return result(.fail("produced a hosts file libvirt does not: \(hosts.debugDescription)")) }
            } else if let difference = Self.firstDifference(expected: try read(expectedHosts), actual: hosts ?? "") {
                return result(.fail("hosts file differs: \(difference)"))
            }
            return result(.pass)
        } catch {
            return result(.fail(error.message))
        }
    }

    /// The first differing line of two byte-compared texts, or nil when they are equal.
    static func firstDifference(expected: String, actual: String) -> String? {
        guard expected != actual else { return nil }
        let want = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let got = actual.split(separator: "\n", omittingEmptySubsequences: false)
        for index in 0..<max(want.count, got.count) {
            let wanted = index < want.count ? String(want[index]) : "(end)"
            let found = index < got.count ? String(got[index]) : "(end)"
            if wanted != found { return "line \(index + 1): expected \(wanted.debugDescription), got \(found.debugDescription)" }
        }
        return "texts differ"
    }
}
