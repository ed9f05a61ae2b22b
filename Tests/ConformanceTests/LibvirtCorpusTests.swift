import Conformance
import Foundation
import Testing

@Suite("libvirt 9.0 conformance corpus")
struct LibvirtCorpusTests {
    @Test(arguments: ["networkxml2xml", "networkxml2xmlupdate", "networkxml2conf", "virnetworkportxml2xml", "qemu-domain"])
    func everyCasePasses(corpus: String) throws {
        var results: [CaseResult] = []
        try ConformanceRunner(root: CorpusLocation.root).run(corpora: [corpus]) { results.append($0) }
        #expect(!results.isEmpty, "no cases found for \(corpus) under \(CorpusLocation.root)")
        for result in results {
            if case .fail(let reason) = result.outcome { Issue.record("\(result.name): \(reason)") }
        }
    }

    @Test func runnerKnowsNoCaseNames() throws {
        // A corpus of our own, in the same layout, proves the runner reads tables rather than
        // expecting particular cases.
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pb-corpus-\(getpid())")
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("cases"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("in"), withIntermediateDirectories: true)
        try "<network>\n  <name>zz</name>\n  <forward mode='bogus'/>\n</network>\n"
            .write(to: directory.appendingPathComponent("in/bad.xml"), atomically: true, encoding: .utf8)
        try "# header\nmy-own-case\tDO_TEST_PARSE_ERROR\t0\tfail-parse\tin/bad.xml\t-\nwrong-expectation\tDO_TEST\t0\tsuccess\tin/bad.xml\tin/bad.xml\n"
            .write(to: directory.appendingPathComponent("cases/networkxml2xml.tsv"), atomically: true, encoding: .utf8)
        var lines: [String] = []
        try ConformanceRunner(root: directory.path).run { lines.append($0.line) }
        #expect(lines.count == 2)
        #expect(lines.first == "PASS networkxml2xml my-own-case")
        #expect(lines.last?.hasPrefix("FAIL networkxml2xml wrong-expectation: refused: unsupported configuration: unknown forwarding type 'bogus'") == true)
    }
}
