import Conformance
import Foundation
import NetCore
import Testing

/// What the runner reports besides passes and failures: unknown corpora, tables it does not
/// run, repeated case names, the summary. Private corpora in the shared layout prove it reads
/// tables, not case names.
@Suite("Conformance runner report")
struct RunnerReportTests {
    /// A corpus directory of its own, removed when the test ends.
    final class PrivateCorpus {
        let root: String

        init(tables: [String: String]) throws {
            root = FileManager.default.temporaryDirectory.appendingPathComponent("pb-report-\(getpid())-\(UInt32.random(in: 0...UInt32.max))").path
            try FileManager.default.createDirectory(atPath: "\(root)/cases", withIntermediateDirectories: true)
            for (name, text) in tables { try text.write(toFile: "\(root)/cases/\(name).tsv", atomically: true, encoding: .utf8) }
        }

        func results(_ corpora: Set<String>? = nil) throws(PatchbayError) -> [CaseResult] {
            var results: [CaseResult] = []
            try ConformanceRunner(root: root).run(corpora: corpora) { results.append($0) }
            return results
        }

        deinit { try? FileManager.default.removeItem(atPath: root) }
    }

    @Test("an unknown corpus is an error that names it and lists the known ones")
    func unknownCorpus() throws {
        let corpus = try PrivateCorpus(tables: ["networkxml2xml": "# empty\n"])
        do throws(PatchbayError) {
            _ = try corpus.results(["nosuch"])
            Issue.record("an unknown corpus ran")
        } catch {
            #expect(error.code == .invalidArg)
            #expect(error.message.contains("unknown corpus 'nosuch'"), "\(error.message)")
            for known in ["networkxml2xml", "networkxml2conf", "qemu-domain", "networkxml2firewall", "virnetdevbandwidth"] {
                #expect(error.message.contains(known), "\(error.message)")
            }
        }
    }

    @Test("a known corpus without a table in the directory is an error, not zero cases")
    func missingTable() throws {
        let corpus = try PrivateCorpus(tables: ["networkxml2xml": "# empty\n"])
        #expect(throws: PatchbayError.self) { try corpus.results(["networkxml2conf"]) }
    }

    @Test("tables that are not run are reported with their reason and counted as skipped, never ignored")
    func tablesNotRun() throws {
        let corpus = try PrivateCorpus(tables: [
            "networkxml2firewall": "# name\tinput\texpected\tprefix\na\tx.xml\tx.args\tbase.args\nb\ty.xml\ty.args\tbase.args\n",
            "made-up-corpus": "# header\none\ttwo\n",
        ])
        let results = try corpus.results()
        #expect(results.count == 2)
        var summary = ConformanceSummary()
        for result in results {
            summary.record(result)
            guard case .notRun(let reason, _) = result.outcome else {
                Issue.record("\(result.line)")
                continue
            }
            #expect(!reason.isEmpty)
        }
        #expect(results.map(\.line).contains { $0.hasPrefix("NOT RUN networkxml2firewall (2 cases): ") })
        #expect(results.map(\.line).contains { $0.hasPrefix("NOT RUN made-up-corpus (1 case): ") })
        #expect(summary.line == "0 passed, 0 failed, 3 skipped")
    }

    @Test("rows of one input for several QEMU versions are separate cases, each printed once")
    func variantsAreDistinctCases() throws {
        let corpus = try PrivateCorpus(tables: ["qemu-domain": """
            # test\tmacro\tname\targs\texpected_file
            qemuxml2argv\tDO_TEST_NOCAPS\tnic-a\t\tt/nic-a.args
            qemuxml2argv\tDO_TEST_CAPS_LATEST\tnic-a\t\tt/nic-a.x86_64-latest.args
            qemuxml2argv\tDO_TEST_CAPS_ARCH_LATEST\tnic-a\ts390x\tt/nic-a.s390x-latest.args

            """])
        let lines = try corpus.results().map(\.line)
        #expect(lines.count == 3)
        #expect(Set(lines).count == 3, "\(lines)")
        #expect(try corpus.results().map(\.name) == ["nic-a", "nic-a.x86_64-latest", "nic-a.s390x-latest"])
    }

    @Test("two rows with the same case name still print two distinct lines")
    func repeatedNames() throws {
        let corpus = try PrivateCorpus(tables: ["virnetworkportxml2xml": "# name\tinput\nsame\tmissing.xml\nsame\tmissing.xml\n"])
        let names = try corpus.results().map(\.name)
        #expect(names == ["same", "same#2"])
    }

    @Test("the shared corpus: every line once, every table accounted for")
    func sharedCorpus() throws {
        var lines: [String] = []
        var summary = ConformanceSummary()
        try ConformanceRunner(root: CorpusLocation.root).run { result in
            lines.append(result.line)
            summary.record(result)
        }
        #expect(Set(lines).count == lines.count, "\(lines.sorted())")
        let tables = try FileManager.default.contentsOfDirectory(atPath: CorpusLocation.file("cases")).filter { $0.hasSuffix(".tsv") }
        for table in tables {
            let name = String(table.dropLast(".tsv".count))
            #expect(lines.contains { $0.contains(" \(name) ") }, "\(table) is not in the report")
        }
        #expect(summary.line.hasSuffix(" skipped"))
    }
}
