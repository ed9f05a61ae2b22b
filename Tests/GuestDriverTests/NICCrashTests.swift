import Foundation
import Glibc
import HostNet
import HostOS
import NetCore
import Netlink
import TestSupport
import Testing

/// SIGKILLs a process that moves a NIC between networks of every kind on a real kernel, at
/// random instants, and after each kill recovers and checks: the NIC is on exactly one network
/// (or unplugged), the ports equal the NIC's record, the kernel agrees, nothing is left over.
@Suite("NIC moves under SIGKILL", .serialized)
struct NICCrashTests {
    static var tortureBinary: String? {
        let here = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let candidates = [here, here.deletingLastPathComponent()].map { $0.appendingPathComponent("patchbay-nic-torture").path }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    @Test func everyKillIsRecoveredToExactlyOneNetwork() throws {
        let binary = try #require(Self.tortureBinary, "patchbay-nic-torture must be built (swift build --build-tests builds it)")
        let kills = Int(ProcessInfo.processInfo.environment["PB_NIC_KILLS"] ?? "") ?? 60
        let root = "/dev/shm/pb-nic-crash-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        let (config, state, journal) = ("\(root)/etc", "\(root)/run", "\(root)/journal")
        try TestNamespace.with { ns in
            let links = try Rtnetlink(namespace: ns.path)
            for (pool, peer) in [("pbpool0", "pbpeer0"), ("pbpool1", "pbpeer1")] {
                try links.createLink(InterfaceName(pool), kind: .veth(peer: InterfaceName(peer)))
                try links.setLink(InterfaceName(pool), up: true)
            }
            try links.createLink(InterfaceName("pbhost0"), kind: .bridge(BridgeOptions(stp: false)))
            try links.setLink(InterfaceName("pbhost0"), up: true)
            // Persistent: the tap outlives each killed process, as it outlives patchbayd with QEMU holding it.
            let tap = try TapDevice.create("vnet0", options: .init(vnetHeader: false, persistent: true), namespace: ns.path)
            defer {
                try? tap.makeTransient()
                _ = try? HostCommand.spawnAndWait(binary, ["cleanup", config, state, ns.path])
            }
            let setup = try HostCommand.spawnAndWait(binary, ["setup", config, state, ns.path])
            #expect(setup.status == 0, "\(setup.errors)")
            var failures: [String] = []
            var generator = SystemRandomNumberGenerator()
            for round in 0..<kills {
                let pid = try HostCommand.start(binary, ["run", config, state, ns.path, String(round), journal])
                usleep(UInt32.random(in: 20_000...300_000, using: &generator))
                kill(pid, SIGKILL)
                var status: Int32 = 0
                waitpid(pid, &status, 0)
                let verify = try HostCommand.spawnAndWait(binary, ["verify", config, state, ns.path])
                if verify.status != 0 { failures.append("after kill \(round): \(verify.output)\(verify.errors)") }
                if failures.count > 3 { break }
            }
            let lines = (try? String(contentsOfFile: journal, encoding: .utf8))?.split(separator: "\n").map(String.init) ?? []
            var interrupted = 0
            var open = false
            for line in lines {
                if line.hasPrefix("BEGIN ") { if open { interrupted += 1 }; open = true } else if line.hasPrefix("ACK ") || line.hasPrefix("FAIL ") { open = false }
                if line.hasPrefix("RECOVERED ") { if open { interrupted += 1 }; open = false }
            }
            let acknowledged = lines.filter { $0.hasPrefix("ACK ") }.count
            let refused = lines.filter { $0.hasPrefix("FAIL ") }
            print("NIC crash test: \(kills) SIGKILLs, \(acknowledged) moves done, \(refused.count) refused, \(interrupted) kills inside a move")
            #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
            #expect(acknowledged > kills, "the runs made progress between kills")
            #expect(interrupted > kills / 4, "many kills landed inside a move")
            #expect(refused.isEmpty, "\(refused.prefix(5))")
        }
    }
}
