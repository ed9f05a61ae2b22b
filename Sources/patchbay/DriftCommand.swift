import ArgumentParser
import NetCore
import PatchbayClient

/// `drift [--check] [--json]`: differences between the daemon's state files and the kernel.
struct DriftCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "drift", abstract: "Show the drift report.")
    @OptionGroup var connection: ConnectionOptions
    @Flag(help: "Compare with the kernel now (repairing what is safe) instead of the last report.") var check = false
    @Flag(help: "JSON for scripts.") var json = false

    struct ItemJSON: Encodable {
        let kind: String
        let network: String
        let object: String
        let repaired: Bool
    }

    struct ReportJSON: Encodable {
        let drift: [ItemJSON]
        let problems: [String]
    }

    func run() throws {
        try connection.run { client throws(PatchbayError) in
            let report = try client.driftReport(check: check)
            if json {
                return printJSON(ReportJSON(drift: report.items.map { ItemJSON(kind: $0.kind, network: $0.network, object: $0.object,
                                                                               repaired: $0.repaired) },
                                            problems: report.problems))
            }
            if !report.items.isEmpty {
                var table = TextTable("Network", "Kind", "Object", "Repaired")
                for item in report.items { table.add([item.network, item.kind, item.object, item.repaired ? "yes" : "no"]) }
                print(table.rendered)
            }
            for problem in report.problems { print("problem: \(problem)") }
            if report.items.isEmpty && report.problems.isEmpty { print("no drift") }
        }
    }
}
