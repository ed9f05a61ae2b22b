import Foundation
import Glibc
import HostOS
import TestSupport
import Testing

/// A real guest driver process, with real QEMU, taps and a network in a namespace, starting and
/// destroying a guest in a loop, SIGKILLed at random moments (inside start, inside destroy, in
/// between); after each kill a new process opens the drivers and must find the guest either
/// running with its one QEMU, two taps and one port, or shut off with nothing left.
@Suite("Guest driver under SIGKILL", .serialized)
struct GuestDriverKillTests {
    static var binary: String? {
        let here = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let candidates = [here, here.deletingLastPathComponent()].map { $0.appendingPathComponent("patchbay-guest-torture").path }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static var qemuAvailable: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/qemu-system-x86_64") }

    @Test(.enabled(if: qemuAvailable))
    func killsAtRandomPointsOfStartAndDestroyLeaveAConsistentGuest() throws {
        let binary = try #require(Self.binary, "patchbay-guest-torture must be built (swift build --build-tests builds it)")
        let image = try TestGuestImage.prepare()
        // QEMUs orphaned by a killed driver are reparented to this process and reaped here.
        ChildReaper.adoptOrphans()
        try TestNamespace.with { namespace in
            let root = "/dev/shm/pbk-\(UInt32.random(in: 0...UInt32.max))"
            defer {
                _ = try? HostCommand.spawnAndWait(binary, ["cleanup", root, namespace.path])
                if let pids = try? HostCommand.run("/usr/sbin/ip", ["netns", "pids", namespace.name]).output {
                    for pid in pids.split(separator: "\n").compactMap({ pid_t($0) }) { kill(pid, SIGKILL) }
                }
                ChildReaper.reapExited()
                try? FileManager.default.removeItem(atPath: root)
            }
            let setup = try HostCommand.spawnAndWait(binary, ["setup", root, namespace.path])
            #expect(setup.status == 0, "\(setup.output)\(setup.errors)")
            var running = 0, shutOff = 0, inStart = 0, inDestroy = 0
            var random = SystemRandomNumberGenerator()
            for round in 0..<30 {
                let pid = try HostCommand.start(binary, ["run", root, namespace.path, image.kernel, image.initrd])
                usleep(UInt32.random(in: 30_000...1_500_000, using: &random))
                kill(pid, SIGKILL)
                var status: Int32 = 0
                waitpid(pid, &status, 0)
                ChildReaper.reapExited()
                let last = (try? String(contentsOfFile: root + "/journal", encoding: .utf8))?.split(separator: "\n").last
                if last == "B start" { inStart += 1 } else if last == "B destroy" { inDestroy += 1 }
                let verify = try HostCommand.spawnAndWait(binary, ["verify", root, namespace.path])
                #expect(verify.status == 0, "round \(round): \(verify.output)\(verify.errors)")
                if verify.output.contains("state running") { running += 1 } else { shutOff += 1 }
            }
            print("guest kill test: 30 SIGKILLs, \(inStart) inside start, \(inDestroy) inside destroy; found running \(running) times, shut off \(shutOff) times")
            #expect(inStart + inDestroy > 0, "some kills landed inside an operation")
        }
    }
}
