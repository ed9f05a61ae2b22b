import Foundation
import Glibc
import HostNet
import HostOS
import NetCore
import Netlink
import TestSupport
import Testing

/// Kills a driver process with SIGKILL at random points of a long random run, restarts it each
/// time (recovery runs on start), then checks what was acknowledged against what survived.
@Suite("Crash safety under SIGKILL", .serialized)
struct CrashSafetyTests {
    /// The torture executable, built beside the test bundle.
    static var tortureBinary: String? {
        let here = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let candidates = [here, here.deletingLastPathComponent()].map { $0.appendingPathComponent("patchbay-driver-torture").path }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Runs the torture; `leftovers` are the dnsmasq processes of this run (found by its own
    /// directory, so other runs of this test on the machine do not count) still alive after cleanup.
    static func run(kills: Int, namespace: String? = nil, tamper: (String) throws -> Void = { _ in })
        throws -> (journal: [String], verify: HostCommand.Outcome, leftovers: [pid_t]) {
        let binary = try #require(tortureBinary, "patchbay-driver-torture must be built (swift build --build-tests builds it)")
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("pb-crash-\(getpid())-\(UInt32.random(in: 0...UInt32.max))").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let (config, state, journal) = ("\(root)/etc", "\(root)/run", "\(root)/journal")
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        // Kills land from 5 ms on (inside start-up and recovery too); the window widens by twice
        // the binary's own start-up, so a slower build (AddressSanitizer's starts ~5x slower)
        // still makes progress between kills.
        let latest = 60_000 + 2 * (try startupMicroseconds(binary, namespace: namespace, root: "\(root)/startup"))
        var generator = SystemRandomNumberGenerator()
        for round in 0..<kills {
            let pid = try HostCommand.start(binary, ["run", config, state, journal, String(round + 1)] + (namespace.map { [$0] } ?? []))
            usleep(UInt32.random(in: 5_000...latest, using: &generator))
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
        try tamper(state)
        let verify = try HostCommand.spawnAndWait(binary, ["verify", config, state, journal] + (namespace.map { [$0] } ?? []))
        _ = try HostCommand.spawnAndWait(binary, ["cleanup", config, state, journal] + (namespace.map { [$0] } ?? []))
        let lines = (try? String(contentsOfFile: journal, encoding: .utf8))?.split(separator: "\n").map(String.init) ?? []
        return (lines, verify, ProcessTable.dnsmasq(mentioning: "\(root)/"))
    }

    /// The shortest of three starts of the torture binary on an empty state (µs, at most 1 s).
    static func startupMicroseconds(_ binary: String, namespace: String?, root: String) throws -> UInt32 {
        var shortest = ContinuousClock.Duration.seconds(1)
        for _ in 0..<3 {
            let started = ContinuousClock.now
            _ = try HostCommand.spawnAndWait(binary, ["verify", "\(root)/etc", "\(root)/run", "\(root)/journal"] + (namespace.map { [$0] } ?? []))
            shortest = min(shortest, ContinuousClock.now - started)
        }
        let (seconds, attoseconds) = shortest.components
        return UInt32(seconds * 1_000_000 + attoseconds / 1_000_000_000_000)
    }

    @Test func acknowledgedWorkSurvivesTwoHundredKills() throws {
        let (journal, verify, _) = try Self.run(kills: 200)
        let acknowledged = journal.filter { $0.hasPrefix("ACK ") }.count
        var interrupted = 0
        var open = false
        for line in journal {
            if line.hasPrefix("BEGIN ") { if open { interrupted += 1 }; open = true } else { open = false }
        }
        print("crash test: 200 SIGKILLs, \(journal.filter { $0.hasPrefix("BEGIN ") }.count) operations, \(acknowledged) acknowledged, \(interrupted) interrupted mid-operation")
        #expect(acknowledged > 200, "the runs made progress between kills")
        #expect(interrupted > 20, "many kills landed inside an operation")
        #expect(verify.status == 0, "\(verify.output)\(verify.errors)")
    }

    @Test func realHostLeavesNoOwnerlessKernelObjects() throws {
        try TestNamespace.with { ns in
            let links = try Rtnetlink(namespace: ns.path)
            for (pool, peer) in [("pbtpool1", "pbtpeer1"), ("pbtpool2", "pbtpeer2")] {
                try links.createLink(InterfaceName(pool), kind: .veth(peer: InterfaceName(peer)))
            }
            let (journal, verify, leftovers) = try Self.run(kills: 200, namespace: ns.path)
            let acknowledged = journal.filter { $0.hasPrefix("ACK ") }.count
            print("crash test (real host): 200 SIGKILLs, \(journal.filter { $0.hasPrefix("BEGIN ") }.count) operations, \(acknowledged) acknowledged")
            #expect(acknowledged > 100)
            #expect(verify.status == 0, "\(verify.output)\(verify.errors)")
            #expect(leftovers.isEmpty, "cleanup left dnsmasq running: \(leftovers)")
        }
    }

    @Test func verifierNoticesLostPorts() throws {
        // Guards the check itself: removing the files of ports whose creation was acknowledged,
        // and that nothing later touched, must be reported.
        var removed = 0
        var verify: HostCommand.Outcome?
        // A short run may end with every acknowledged port since deleted or destroyed; try again then.
        for _ in 0..<6 where removed == 0 {
          (_, verify, _) = try Self.run(kills: 40) { state in
            let journal = (try? String(contentsOfFile: "\(state)/../journal", encoding: .utf8)) ?? ""
            let lines = journal.split(separator: "\n").map(String.init)
            var untouched: Set<String> = []
            for (index, line) in lines.enumerated() where line.hasPrefix("ACK port-create ") {
                let words = line.split(separator: " ")
                guard words.count == 4 else { continue }
                let (network, uuid) = (String(words[2]), String(words[3]))
                let later = lines[(index + 1)...]
                if !later.contains(where: { $0.contains(uuid) || $0.hasSuffix("destroy \(network)") }) { untouched.insert(uuid) }
            }
            let portsRoot = "\(state)/ports"
            for network in (try? FileManager.default.contentsOfDirectory(atPath: portsRoot)) ?? [] {
                for file in (try? FileManager.default.contentsOfDirectory(atPath: "\(portsRoot)/\(network)")) ?? []
                where untouched.contains(String(file.prefix(36))) {
                    try FileManager.default.removeItem(atPath: "\(portsRoot)/\(network)/\(file)")
                    removed += 1
                }
            }
          }
        }
        try #require(removed > 0, "the run left acknowledged ports to remove")
        let outcome = try #require(verify)
        #expect(outcome.status != 0)
        #expect(outcome.output.contains("is missing"))
    }
}
