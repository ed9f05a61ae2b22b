import ArgumentParser
import Conformance

/// `patchbay conformance DIR`: runs libvirt's own test tables against Patchbay.
struct ConformanceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conformance",
        abstract: "Run a libvirt conformance corpus (a directory laid out like shared/conformance/libvirt-9.0)."
    )

    @Argument(help: "Corpus directory holding cases/*.tsv and the files they name.")
    var directory: String

    @Option(name: .long, help: "Run only the named corpora (table file names without .tsv).")
    var corpus: [String] = []

    mutating func run() throws {
        let runner = ConformanceRunner(root: directory)
        var summary = ConformanceSummary()
        try runner.run(corpora: corpus.isEmpty ? nil : Set(corpus)) { result in
            print(result.line)
            summary.record(result)
        }
        print("\(summary.passed) passed, \(summary.failed) failed")
        if summary.failed > 0 { throw ExitCode(1) }
    }
}
