import Foundation
import NetCore
import NetConf

extension ConformanceRunner {
    /// `networkxml2xml`: name, macro, format_flags, expect, input, expected_output.
    /// Parse the input, format it with the flags, compare; `fail-*` cases must be refused.
    func networkXML2XML(_ row: [String]) -> [CaseResult] {
        let corpus = "networkxml2xml"
        guard row.count >= 6 else { return malformed(corpus, row, expected: 6) }
        let (name, flags, expect, input, output) = (row[0], row[2], row[3], row[4], row[5])
        func result(_ outcome: CaseResult.Outcome) -> [CaseResult] { [CaseResult(corpus: corpus, name: name, outcome: outcome)] }
        do throws(PatchbayError) {
            let source = try read(input)
            let parsed: NetworkDefinition
            do throws(PatchbayError) {
                parsed = try NetworkDefinition.parse(xml: source)
            } catch {
                return result(expect.hasPrefix("fail-parse") ? .pass : .fail("refused: \(error.message)"))
            }
            if expect.hasPrefix("fail-parse") { return result(.fail("accepted a document libvirt refuses")) }
            let formatted = parsed.formatXML(inactive: formatFlags(flags).inactive)
            if expect.hasPrefix("fail") { return result(.fail("formatted a document libvirt refuses to format")) }
            let expected = try read(output)
            if let difference = XMLComparison.difference(expectedText: expected, actualText: formatted) {
                return result(.fail(difference))
            }
            return result(.pass)
        } catch {
            return result(.fail(error.message))
        }
    }
}

/// Network format flags as the tables write them: symbolic names joined by `|`, or a number.
struct NetworkFormatFlags {
    /// VIR_NETWORK_XML_INACTIVE
    var inactive = false
}

/// Reads `0`, `VIR_NETWORK_XML_INACTIVE`, or a hex/decimal value (bit 0 = inactive).
func formatFlags(_ text: String) -> NetworkFormatFlags {
    var flags = NetworkFormatFlags()
    for part in text.split(separator: "|").map({ $0.trimmingCharacters(in: .whitespaces) }) {
        if part.contains("INACTIVE") { flags.inactive = true }
        let digits = part.lowercased().hasPrefix("0x") ? UInt64(part.dropFirst(2), radix: 16) : UInt64(part)
        if let digits, digits & 1 == 1 { flags.inactive = true }
    }
    return flags
}
