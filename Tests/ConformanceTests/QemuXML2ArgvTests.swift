import Conformance
import Foundation
import Testing

@Suite("qemuxml2argv rows")
struct QemuXML2ArgvTests {
    @Test func everyArgvRowRunsAndPasses() throws {
        var results: [CaseResult] = []
        try ConformanceRunner(root: CorpusLocation.root).run(corpora: ["qemu-domain"]) { results.append($0) }
        let table = try String(contentsOfFile: CorpusLocation.file("cases/qemu-domain.tsv"), encoding: .utf8)
        let argvRows = table.split(separator: "\n").filter { $0.hasPrefix("qemuxml2argv\t") }.count
        #expect(argvRows > 0)
        // Every row gives one result; none is skipped any more.
        #expect(!results.contains { if case .skip = $0.outcome { true } else { false } })
        #expect(results.filter { $0.outcome == .pass }.count == results.count)
    }

    private static let domain = """
        <domain type='qemu'>
          <name>guest</name>
          <memory>219100</memory>
          <os><type arch='x86_64' machine='pc'>hvm</type></os>
          <devices>
            <interface type='ethernet'>
              <mac address='52:54:00:00:00:01'/>
              <model type='virtio'/>
            </interface>
          </devices>
        </domain>
        """

    /// Runs a one-table corpus of our own and returns its lines.
    private func run(rows: String, files: [String: String]) throws -> [String] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pb-argv-\(getpid())-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let data = directory.appendingPathComponent("tests/qemuxml2argvdata")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("cases"), withIntermediateDirectories: true)
        for (name, text) in files { try text.write(to: data.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        try "# header\n\(rows)".write(to: directory.appendingPathComponent("cases/qemu-domain.tsv"), atomically: true, encoding: .utf8)
        var lines: [String] = []
        try ConformanceRunner(root: directory.path).run { lines.append($0.line) }
        return lines
    }

    @Test func tapDescriptorsAreTheOneDeclaredDifference() throws {
        let args = """
            /usr/bin/qemu-system-x86_64 \\
            -netdev tap,fd=97,vhost=on,vhostfd=98,id=hostnet0 \\
            -device virtio-net-pci,netdev=hostnet0,id=net0,mac=52:54:00:00:00:01,bus=pci.0,addr=0x2 \\
            -msg timestamp=on
            """
        let wrongMAC = args.replacingOccurrences(of: "00:00:01,bus", with: "00:00:02,bus")
        let lines = try run(rows: "qemuxml2argv\tDO_TEST_NOCAPS\tmine\t\ttests/qemuxml2argvdata/mine.args\n"
                                + "qemuxml2argv\tDO_TEST_NOCAPS\tmine\t\ttests/qemuxml2argvdata/wrong.args\n",
                            files: ["mine.xml": Self.domain, "mine.args": args, "wrong.args": wrongMAC])
        #expect(lines.first == "PASS qemu-domain mine")
        // The second row names the same case: the runner numbers repeats.
        #expect(lines.last?.hasPrefix("FAIL qemu-domain mine#2: argument 2") == true, "\(lines)")
        #expect(ConformanceRunner.qemuArgumentDifferences.count == 1)
    }

    @Test func refusalsMustCarryLibvirtsReason() throws {
        let bad = Self.domain.replacingOccurrences(of: "<model type='virtio'/>", with: "<model type='virtio'/><driver rx_queue_size='511'/>")
        let lines = try run(rows: "qemuxml2argv\tDO_TEST_PARSE_ERROR_NOCAPS\tbad\t\ttests/qemuxml2argvdata/right.err\n"
                                + "qemuxml2argv\tDO_TEST_PARSE_ERROR_NOCAPS\tbad\t\ttests/qemuxml2argvdata/wrong.err\n"
                                + "qemuxml2argv\tDO_TEST_FAILURE\tmine\t\ttests/qemuxml2argvdata/right.err\n",
                            files: ["bad.xml": bad, "mine.xml": Self.domain,
                                    "right.err": "unsupported configuration: rx_queue_size has to be a power of two\n",
                                    "wrong.err": "unsupported configuration: something else\n"])
        #expect(lines == [
            "PASS qemu-domain bad",
            "FAIL qemu-domain bad#2: refused with 'unsupported configuration: rx_queue_size has to be a power of two', libvirt says 'unsupported configuration: something else'",
            "FAIL qemu-domain mine: accepted a domain libvirt refuses",
        ])
    }
}
