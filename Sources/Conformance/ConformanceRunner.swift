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

    /// Corpora whose tables are recognised but not run, with the reason printed in their place.
    public static let notRun: [String: String] = [
        "networkxml2firewall": "libvirt 9.0's expectations are iptables command lines (its iptables backend); Patchbay "
            + "programs one nftables table per network, so there is no command line to compare byte for byte",
        "virnetdevbandwidth": "libvirt 9.0's expectations are tc and ovs-vsctl command lines (sfq leaves, fw filters, "
            + "police for outbound); Patchbay installs HTB over netlink, shapes outbound through an IFB instead of "
            + "policing, counts KiB as 1024 bytes where libvirt's tc 'kbps' is 1000, and drives no Open vSwitch QoS",
    ]

    /// Every corpus name this runner recognises, run or not.
    public static var knownCorpora: [String] { (Array(handlers.keys) + Array(notRun.keys)).sorted() }

    /// Runs the tables (all of them, or those named in `corpora`), reporting each case. A table
    /// that is not run is reported once, with the reason; a name that is no known corpus, or a
    /// named corpus without a table in the directory, is an error.
    public func run(corpora: Set<String>? = nil, _ report: (CaseResult) -> Void) throws(PatchbayError) {
        if let corpora {
            let unknown = corpora.subtracting(Self.knownCorpora).sorted()
            if !unknown.isEmpty {
                let names = unknown.map { "'\($0)'" }.joined(separator: ", ")
                throw .invalidArgument("unknown corpus \(names); known corpora: \(Self.knownCorpora.joined(separator: ", "))")
            }
        }
        let casesDirectory = (root as NSString).appendingPathComponent("cases")
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: casesDirectory) } catch {
            throw .operationFailed("cannot list '\(casesDirectory)': no corpus there")
        }
        let tables = names.filter { $0.hasSuffix(".tsv") }.sorted()
        if let corpora {
            let present = Set(tables.map { ($0 as NSString).deletingPathExtension })
            let missing = corpora.subtracting(present).sorted()
            if !missing.isEmpty {
                throw .operationFailed("no table for corpus \(missing.map { "'\($0)'" }.joined(separator: ", ")) in '\(casesDirectory)'")
            }
        }
        for file in tables {
            let table = try CorpusTable(path: (casesDirectory as NSString).appendingPathComponent(file))
            if let corpora, !corpora.contains(table.corpus) { continue }
            guard let handler = Self.handlers[table.corpus] else {
                let reason = Self.notRun[table.corpus] ?? "no runner knows this table's format"
                report(CaseResult(corpus: table.corpus, name: "", outcome: .notRun(reason: reason, cases: table.rows.count)))
                continue
            }
            var seen: [String: Int] = [:]
            for row in table.rows {
                for result in handler(self, row) {
                    // Two rows that name the same case are still two cases: number the repeats
                    // so every line of the report stands for one row.
                    seen[result.name, default: 0] += 1
                    let count = seen[result.name] ?? 1
                    report(count == 1 ? result : CaseResult(corpus: result.corpus, name: "\(result.name)#\(count)", outcome: result.outcome))
                }
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
