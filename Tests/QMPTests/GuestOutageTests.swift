import Foundation
import Glibc
import CLinuxUAPI
import HostOS
import Testing
import TestSupport

/// The outage arithmetic benchmarks rely on, on serial lines as the guest prints them (probes
/// overlap, so results come out of order).
@Suite struct GuestOutageTests {
    static let cases: [(lines: [String], quiet: Int, expected: GuestOutage?)] = [
        (["PROBE 100 10.0.0.1 ok", "PROBE 200 10.0.0.1 ok"], 3, nil),
        (["PROBE 100 10.0.0.1 ok", "PROBE 200 10.0.0.1 ok", "PROBE 300 10.0.0.1 ok"], 3, GuestOutage(lostProbes: 0, milliseconds: 0)),
        (["PROBE 100 10.0.0.1 ok", "PROBE 300 10.0.0.1 ok", "PROBE 200 10.0.0.1 fail"], 3, nil),
        (["PROBE 100 10.0.0.1 ok", "PROBE 300 10.0.0.1 ok", "PROBE 200 10.0.0.1 fail", "PROBE 400 10.0.0.1 ok"], 3,
         GuestOutage(lostProbes: 1, milliseconds: 100)),
        (["PROBE 100 10.0.0.1 fail", "PROBE 200 10.0.0.1 fail"], 3, nil),
        (["PROBE 400 10.0.0.1 ok", "PROBE 100 10.0.0.1 fail", "PROBE 200 10.0.0.1 fail", "PROBE 300 10.0.0.1 fail",
          "PROBE 500 10.0.0.1 fail"], 3, GuestOutage(lostProbes: 3, milliseconds: 300)),
        (["PROBE 100 10.0.0.2 fail", "PROBE 150 10.0.0.1 ok", "LINK 160 eth0 up", "PROBE 250 10.0.0.1 ok"], 2,
         GuestOutage(lostProbes: 0, milliseconds: 0)),
    ]

    @Test(arguments: cases)
    func outageFromProbes(lines: [String], quiet: Int, expected: GuestOutage?) {
        let reports = lines.compactMap { GuestReport(line: Substring($0)) }
        #expect(GuestOutage.first(of: "10.0.0.1", in: reports, quiet: quiet, settleMilliseconds: 100) == expected)
    }

    @Test func anOutageIsJudgedOnlyWhenFailuresSentBeforeTheRecoveryHaveReported() {
        // 200 and 300 fail but report a second later than 400's success.
        let early = ["PROBE 100 10.0.0.1 ok", "PROBE 200 10.0.0.1 fail", "PROBE 400 10.0.0.1 ok", "PROBE 500 10.0.0.1 ok"]
            .compactMap { GuestReport(line: Substring($0)) }
        #expect(GuestOutage.first(of: "10.0.0.1", in: early, quiet: 3) == nil)
        let settled = early + ["PROBE 300 10.0.0.1 fail", "PROBE 1900 10.0.0.1 ok"].compactMap { GuestReport(line: Substring($0)) }
        #expect(GuestOutage.first(of: "10.0.0.1", in: settled, quiet: 3) == GuestOutage(lostProbes: 2, milliseconds: 200))
    }

    @Test func kernelMessagesAreNotReports() {
        #expect(GuestReport(line: "[    1.234] virtio_net virtio0 eth0: renamed") == nil)
        #expect(GuestReport(line: "PROBE x 10.0.0.1 ok") == nil)
        #expect(GuestReport(line: "DHCP 1200 eth0 10.0.0.5/24")?.fields == ["eth0", "10.0.0.5/24"])
    }
}

@Suite struct GuestSerialLogTests {
    @Test func marksSplitTheLogWhateverTheChunksQEMUWrote() throws {
        let path = "/tmp/pbserial-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).log"
        defer { unlink(path) }
        let log = GuestSerialLog(path: path)
        #expect(log.reports.isEmpty)
        let file = try #require(fopen(path, "w"))
        defer { fclose(file) }
        func append(_ text: String) {
            fputs(text, file)
            fflush(file)
        }
        append("[    0.1] kernel says hello\r\nBOOT 120\r\nPROBE 200 10.0.0.1 o")
        #expect(log.reports.map(\.keyword) == ["BOOT"])
        let mark = log.mark()
        append("k\r\nPROBE 300 10.0.0.2 ok\r\nLINK 310 eth0 down\r\n")
        let after = try log.wait(for: "three reports", after: mark, timeout: 5) { $0.count >= 3 ? $0 : nil }
        #expect(after.map(\.keyword) == ["PROBE", "PROBE", "LINK"])
        #expect(after.compactMap(\.target) == ["10.0.0.1", "10.0.0.2"])
        #expect(log.reports[mark.index...].filter { $0.target == "10.0.0.2" }.count == 1)
        #expect(throws: TestGuestError.self) { try log.wait(for: "nothing", after: log.mark(), timeout: 0.1) { $0.first } }
    }
}

@Suite struct TestGuestStartupTests {
    @Test func aQEMUThatCannotStartIsReportedAtOnceWithItsLog() throws {
        var configuration = TestGuest.Configuration(nics: [], networks: [], probes: [])
        configuration.extraQEMUArguments = ["-device", "no-such-device"]
        let image = TestGuestImage(kernel: "/nonexistent/vmlinuz", initrd: "/nonexistent/initrd.img")
        let started = Date()
        let error = #expect(throws: TestGuestError.self) { _ = try TestGuest(configuration, image: image) }
        #expect(Date().timeIntervalSince(started) < 60)
        #expect(error?.description.contains("QEMU did not open its monitor") == true)
    }
}

@Suite struct TestGuestWatchdogTests {
    /// End of file on the watchdog's pipe (its writer closed: released, or the test process died
    /// and the kernel closed it) kills the guarded process, and only that very process.
    @Test func aGuardedProcessIsKilledWhenTheWatchdogLetsGo() throws {
        let sleeper = try ProcessLaunch(executable: "/bin/sleep", arguments: ["600"]).spawn()
        defer { sleeper.terminate(grace: 1) }
        let watchdog = try GuestWatchdog(guarding: sleeper)
        usleep(200_000)
        #expect(sleeper.isAlive)
        watchdog.release()
        #expect(sleeper.waitForExit(timeout: 60))
        #expect(sleeper.exitStatus == 128 + SIGKILL)
    }
}
