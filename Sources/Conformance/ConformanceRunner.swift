import Foundation
import NetCore

/// Runs every case of a corpus directory laid out like `shared/conformance/libvirt-9.0`.
///
/// It knows corpora (table formats), never case names: other cases of the same corpora are used
/// to check Patchbay independently.
public struct ConformanceRunner: Sendable {
    /// The corpus directory (holding `cases/` and the files the tables name).
    public let root: String

    /// A runner for the corpus at `root`.
    public init(root: String) { self.root = root }

    /// The corpora this runner understands, by table name.
    public static let handlers: [String: @Sendable (ConformanceRunner, [String]) -> [CaseResult]] = [
        "networkxml2xml": { $0.networkXML2XML($1) },
        "networkxml2xmlupdate": { $0.networkXML2XMLUpdate($1) },
        "networkxml2conf": { $0.networkXML2Conf($1) },
        "virnetworkportxml2xml": { $0.networkPortXML2XML($1) },
        "qemu-domain": { $0.qemuDomain($1) },
    ]

    /// Runs the tables (all understood ones, or those named in `corpora`), reporting each case.
    public func run(corpora: Set<String>? = nil, _ report: (CaseResult) -> Void) throws(PatchbayError) {
        let casesDirectory = (root as NSString).appendingPathComponent("cases")
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: casesDirectory) } catch {
            throw .operationFailed("cannot list '\(casesDirectory)': no corpus there")
        }
        for file in names.sorted() where file.hasSuffix(".tsv") {
            let table = try CorpusTable(path: (casesDirectory as NSString).appendingPathComponent(file))
            if let corpora, !corpora.contains(table.corpus) { continue }
            guard let handler = Self.handlers[table.corpus] else { continue }
            for row in table.rows {
                for result in handler(self, row) { report(result) }
            }
        }
    }

    /// Reads a file named relative to the corpus root.
    func read(_ relative: String) throws(PatchbayError) -> String {
        let path = (root as NSString).appendingPathComponent(relative)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .operationFailed("cannot read '\(relative)'")
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// A failed result for a malformed table row.
    func malformed(_ corpus: String, _ row: [String], expected: Int) -> [CaseResult] {
        [CaseResult(corpus: corpus, name: row.first ?? "?",
                    outcome: .fail("table row has \(row.count) columns, expected \(expected)"))]
    }
}
