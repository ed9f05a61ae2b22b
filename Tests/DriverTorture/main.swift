// patchbay-driver-torture: drives a NetworkDriver through a long random run of
// define/start/port-create/port-delete/destroy/undefine, journaling every operation before
// (BEGIN) and after (ACK) it, so a test can SIGKILL it anywhere, restart it, and check that
// what was acknowledged survived recovery.
//
//   patchbay-driver-torture run    CONFIG STATE JOURNAL SEED [NAMESPACE]
//   patchbay-driver-torture verify CONFIG STATE JOURNAL [NAMESPACE]
//   patchbay-driver-torture cleanup CONFIG STATE JOURNAL [NAMESPACE]
// With NAMESPACE the real LinuxNetworkHost configures that network namespace; without it a host
// that touches nothing is used.
import Foundation
import Glibc
import NetCore
import NetDriver

let arguments = CommandLine.arguments
guard arguments.count >= 5 else {
    FileHandle.standardError.write(Data("usage: patchbay-driver-torture run|verify CONFIG STATE JOURNAL [SEED] [NAMESPACE]\n".utf8))
    exit(2)
}
let (mode, config, state, journalPath) = (arguments[1], arguments[2], arguments[3], arguments[4])
// `run` takes a seed before the namespace; `verify` and `cleanup` do not.
let namespace: String? = mode == "run" ? (arguments.count > 6 ? arguments[6] : nil) : (arguments.count > 5 ? arguments[5] : nil)

do {
    let host = try TortureHost.make(namespace: namespace)
    let driver = try NetworkDriver(configDirectory: config, stateDirectory: state, host: host)
    switch mode {
    case "run":
        let seed = arguments.count > 5 ? UInt64(arguments[5]) ?? 1 : 1
        var torture = Torture(driver: driver, journal: try Journal(path: journalPath), seed: seed)
        while true { torture.step() }
    case "verify":
        let problems = try Verifier(driver: driver, journal: Journal.read(journalPath), host: host, stateDirectory: state).check()
        for problem in problems { print("INVARIANT: \(problem)") }
        print("verified: \(problems.count) problems")
        exit(problems.isEmpty ? 0 : 1)
    case "cleanup":
        // Takes every network down so no dnsmasq or kernel object outlives the test.
        for summary in driver.list(.active) { try driver.destroy(name: summary.name) }
    default:
        exit(2)
    }
} catch {
    FileHandle.standardError.write(Data("patchbay-driver-torture: \(error)\n".utf8))
    exit(3)
}
