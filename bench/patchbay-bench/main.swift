// patchbay-bench: benchmarks that print ratios against a baseline measured in the same run.
//   patchbay-bench xml CORPUS_DIR [SECONDS_PER_KIND]
//   patchbay-bench plumbing [NICS_PER_PATH] [TEARDOWN_NICS]     (root; works in its own namespace)
//   patchbay-bench driver [SCRATCH_DIR] [PORTS]
//   patchbay-bench firewall [RUNS]                              (root; works in its own namespace)
//   patchbay-bench iface [LINKS] [RUNS]                         (root; works in its own namespace)
import Foundation

let arguments = CommandLine.arguments
func usage() -> Never {
    FileHandle.standardError.write(Data("usage: patchbay-bench xml CORPUS_DIR [SECONDS] | plumbing [NICS] [TEARDOWN_NICS] | driver [SCRATCH] [PORTS] | firewall [RUNS] | iface [LINKS] [RUNS]\n".utf8))
    exit(2)
}
guard arguments.count >= 2 else { usage() }
do {
    switch arguments[1] {
    case "xml":
        guard arguments.count >= 3 else { usage() }
        xmlThroughput(root: arguments[2], seconds: arguments.count > 3 ? Double(arguments[3]) ?? 2 : 2)
    case "driver":
        try driverBench(root: arguments.count > 2 ? arguments[2] : NSTemporaryDirectory(),
                        ports: arguments.count > 3 ? Int(arguments[3]) ?? 10000 : 10000)
    case "plumbing":
        try hostPlumbing(count: arguments.count > 2 ? Int(arguments[2]) ?? 200 : 200,
                         teardownCount: arguments.count > 3 ? Int(arguments[3]) ?? 1000 : 1000)
    case "firewall":
        try firewallBench(runs: arguments.count > 2 ? Int(arguments[2]) ?? 50 : 50)
    case "iface":
        try interfaceTransactionBench(links: arguments.count > 2 ? Int(arguments[2]) ?? 1000 : 1000,
                                      runs: arguments.count > 3 ? Int(arguments[3]) ?? 5 : 5)
    default:
        usage()
    }
} catch {
    FileHandle.standardError.write(Data("patchbay-bench: \(error)\n".utf8))
    exit(1)
}
