import NetCore
import NetConf

extension ConformanceRunner {
    /// `virnetworkportxml2xml`: name, input_and_expected. Parse then format must give the same document.
    func networkPortXML2XML(_ row: [String]) -> [CaseResult] {
        let corpus = "virnetworkportxml2xml"
        guard row.count >= 2 else { return malformed(corpus, row, expected: 2) }
        let name = row[0]
        func result(_ outcome: CaseResult.Outcome) -> [CaseResult] { [CaseResult(corpus: corpus, name: name, outcome: outcome)] }
        do throws(PatchbayError) {
            let source = try read(row[1])
            let port = try NetworkPortDefinition.parse(xml: source)
            if let difference = XMLComparison.difference(expectedText: source, actualText: port.formatXML()) {
                return result(.fail(difference))
            }
            return result(.pass)
        } catch {
            return result(.fail(error.message))
        }
    }
}
