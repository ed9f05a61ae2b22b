import ArgumentParser
import Conformance
import Foundation
import NetCore

/// `patchbay conformance DIR`: runs libvirt's own test tables against Patchbay.
struct ConformanceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conformance",
        abstract: "Run a libvirt conformance corpus (a directory laid out like shared/conformance/libvirt-9.0)."
    )

    @Argument(help: "Corpus directory holding cases/*.tsv and the files they name.")
    var directory: String

    @Option(name: .long, help: ArgumentHelp("Run only the named corpus (a table file name without .tsv); repeatable.",
                                             discussion: "Known corpora: \(ConformanceRunner.knownCorpora.joined(separator: ", ")).",
                                             valueName: "name"))
    var corpus: [String] = []

    @Flag(name: .long, help: "Also validate every formatted document against the corpus's RelaxNG schemas (needs xmllint).")
    var schemas = false

    mutating func run() throws {
        let runner = ConformanceRunner(root: directory)
        var summary = ConformanceSummary()
        // The declared differences of the qemu-domain argument comparison, printed before its
        // first case: only when that corpus really runs (an unknown corpus prints nothing).
        var notesPrinted = false
        do throws(PatchbayError) {
            try runner.run(corpora: corpus.isEmpty ? nil : Set(corpus)) { result in
                if result.corpus == "qemu-domain" && !notesPrinted {
                    for note in ConformanceRunner.qemuArgumentDifferences { print("NOTE \(note)") }
                    notesPrinted = true
                }
                print(result.line)
                summary.record(result)
            }
        } catch {
            printError(error)
            throw ExitCode(1)
        }
        var invalid = 0
        if schemas {
            let (checked, failures) = try runner.schemaFailures()
            for (name, complaint) in failures.sorted(by: { $0.key < $1.key }) { print("INVALID \(name): \(complaint)") }
            print("schemas: \(checked - failures.count) of \(checked) formatted documents valid")
            invalid = failures.count
        }
        print(summary.line)
        if summary.failed > 0 || invalid > 0 { throw ExitCode(1) }
    }
}
