import Foundation
import GuestDriver
import NetCore
import Testing

/// patchbayd SIGKILLed before every host step of start and destroy: the files and the host's
/// processes at that instant are copied, and a new driver opened on the copy must end in one of
/// two consistent states — the guest running with its QEMU, a port per connected NIC and its run
/// record; or shut off with no QEMU, no port, no run file. Never in between.
@Suite struct GuestDriverCrashTests {
    struct Snapshot {
        let root: String
        let host: FakeGuestHost
    }

    static func copyTree(_ from: String, _ to: String) throws {
        try? FileManager.default.removeItem(atPath: to)
        try FileManager.default.copyItem(atPath: from, toPath: to)
    }

    @Test func everyCrashPointOfStartAndDestroyRecovers() throws {
        var crashPoints = 0
        for point in 1...40 {
            let bench = try DriverBench()
            let defined = try bench.driver.define(xml: DriverBench.guest())
            nonisolated(unsafe) var snapshot: Snapshot?
            let root = bench.root
            // The host is captured, not the bench, so the bench (and its directory) goes at the end of the round.
            let host = bench.host
            host.beforeStep = { [unowned host] number, _ throws(PatchbayError) in
                guard number == point, snapshot == nil else { return }
                let copy = root + "-crash"
                try? Self.copyTree(root, copy)
                snapshot = Snapshot(root: copy, host: host.clone())
            }
            _ = try bench.driver.start(name: "g1", paused: false)
            try bench.driver.destroy(name: "g1")
            guard let snapshot else { break }
            crashPoints += 1
            defer { try? FileManager.default.removeItem(atPath: snapshot.root) }
            let nics = FakeNICPlumbing(directory: snapshot.root + "/nics")
            let driver = try GuestDriver(configDirectory: snapshot.root + "/etc", stateDirectory: snapshot.root + "/run",
                                         host: snapshot.host, nics: nics)
            let summary = try driver.lookup(name: "g1")
            let runFiles = ((try? FileManager.default.contentsOfDirectory(atPath: snapshot.root + "/run/qemu")) ?? []).filter { $0 != "run" }
            if summary.state == .running {
                #expect(snapshot.host.alivePIDs.count == 1, "crash point \(point)")
                #expect(nics.ports(defined.uuid).count == 2, "crash point \(point)")
                #expect(runFiles.contains("g1.run"), "crash point \(point)")
                try driver.destroy(name: "g1")
            } else {
                #expect(snapshot.host.alivePIDs.isEmpty, "crash point \(point): QEMU left running")
                #expect(nics.ports(defined.uuid).isEmpty, "crash point \(point): ports left")
                #expect(runFiles.isEmpty, "crash point \(point): \(runFiles)")
            }
            #expect(snapshot.host.alivePIDs.isEmpty && nics.allPorts.isEmpty && snapshot.host.liveTaps.isEmpty, "crash point \(point)")
        }
        #expect(crashPoints >= 12)
    }

    /// A failure at any step of start undoes everything done before it.
    @Test func aFailureAtAnyStepOfStartLeavesNothing() throws {
        for point in 1...11 {
            let bench = try DriverBench()
            let defined = try bench.driver.define(xml: DriverBench.guest())
            bench.host.beforeStep = { number, what throws(PatchbayError) in
                if number == point { throw PatchbayError(.operationFailed, "injected at \(what)", domain: .qemu) }
            }
            #expect(throws: PatchbayError.self) { _ = try bench.driver.start(name: "g1", paused: false) }
            #expect(bench.host.alivePIDs.isEmpty, "step \(point)")
            #expect(bench.nics.ports(defined.uuid).isEmpty, "step \(point)")
            #expect(bench.host.liveTaps.isEmpty, "step \(point)")
            #expect(bench.files("/run/qemu") == ["run"], "step \(point)")
            #expect(try bench.driver.lookup(name: "g1").state == .shutOff)
        }
    }

    @Test func aNICThatCannotBeWiredFailsTheStartCleanly() throws {
        let bench = try DriverBench()
        _ = try bench.driver.define(xml: DriverBench.guest())
        bench.nics.failConnect = true
        #expect(throws: PatchbayError.self) { _ = try bench.driver.start(name: "g1", paused: false) }
        #expect(bench.host.alivePIDs.isEmpty && bench.nics.allPorts.isEmpty)
    }
}
