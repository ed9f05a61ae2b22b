import Foundation
import NetCore
import NetConf
import NetXML

extension ConformanceRunner {
    /// `qemu-domain`: test, macro, name, args, expected_file.
    ///
    /// `qemuxml2xml` rows: parse `tests/qemuxml2argvdata/NAME.xml`, format its `<interface>` and
    /// `<hostdev>` elements (inactive and active), compare with the expected file's.
    /// `qemuxml2argv` rows: see `qemuXML2Argv`.
    func qemuDomain(_ row: [String]) -> [CaseResult] {
        let corpus = "qemu-domain"
        guard row.count >= 5 else { return malformed(corpus, row, expected: 5) }
        let (test, macro, name, expectedFile) = (row[0], row[1], row[2], row[4])
        // One input is tested against several QEMU versions/architectures (one row each, told
        // apart by the expected file's suffix, e.g. `net-user.x86_64-latest.args`): the case is
        // the variant, or the rows of one input would all print the same line.
        let variant = Self.variant(of: name, expectedFile: expectedFile)
        func result(_ outcome: CaseResult.Outcome) -> [CaseResult] { [CaseResult(corpus: corpus, name: variant, outcome: outcome)] }
        if test == "qemuxml2argv" { return qemuXML2Argv(row, variant: variant) }
        guard test == "qemuxml2xml" else { return result(.fail("unknown qemu-domain test '\(test)' (known: qemuxml2xml, qemuxml2argv)")) }
        let expectFailure = macro.contains("FAILURE") || macro.contains("PARSE_ERROR")
        do throws(PatchbayError) {
            let source = try read("tests/qemuxml2argvdata/\(name).xml")
            let devices: DomainNetworkDevices
            do throws(PatchbayError) {
                devices = try DomainNetworkDevices.parse(domainXML: source)
            } catch {
                return result(expectFailure ? .pass : .fail("refused: \(error.message)"))
            }
            if expectFailure { return result(.fail("accepted a domain libvirt refuses")) }
            let expectedRoot = try XMLParser.parse(try read(expectedFile))
            let expected = (expectedRoot.element("devices")?.elements ?? []).filter { $0.name == "interface" || $0.name == "hostdev" }
            for active in [false, true] {
                let actual = devices.formattedElements(active: active)
                let mode = active ? "active" : "inactive"
                guard actual.count == expected.count else {
                    return result(.fail("\(mode): \(actual.count) interface/hostdev elements, expected \(expected.count)"))
                }
                for (want, got) in zip(expected, actual) {
                    if let difference = XMLComparison.difference(expected: want, actual: got, path: "/domain/devices") {
                        return result(.fail("\(mode): \(difference)"))
                    }
                }
            }
            return result(.pass)
        } catch {
            return result(.fail(error.message))
        }
    }

    /// `NAME` plus the expected file's variant suffix (`NAME.x86_64-latest`), or `NAME` when the
    /// file has none.
    static func variant(of name: String, expectedFile: String) -> String {
        let file = ((expectedFile as NSString).lastPathComponent as NSString).deletingPathExtension
        guard file.hasPrefix(name + ".") else { return name }
        return file
    }
}
