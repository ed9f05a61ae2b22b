import Foundation
import Glibc

/// One line the test guest printed on its serial console (format: scripts/build-test-guest).
public struct GuestReport: Sendable, Equatable {
    /// BOOT, MODULES, IFACE, LINK, ADDR, DHCP, READY, PROBE or ERROR.
    public let keyword: String
    /// Milliseconds since the guest booted (for PROBE: when the probe was sent).
    public let milliseconds: Int
    /// The words after the time.
    public let fields: [String]
    /// Host monotonic time (seconds) when the harness first read the line.
    public let seenAt: Double

    /// For PROBE: the target.
    public var target: String? { keyword == "PROBE" ? fields.first : nil }
    /// For PROBE: whether it got a reply.
    public var succeeded: Bool { fields.last == "ok" }

    /// Parses one serial line; nil for anything that is not a report (kernel messages).
    public init?(line: Substring, seenAt: Double = 0) {
        let words = line.split(separator: " ")
        guard words.count >= 2, let milliseconds = Int(words[1]),
              ["BOOT", "MODULES", "IFACE", "LINK", "ADDR", "DHCP", "READY", "PROBE", "ERROR"].contains(String(words[0])) else { return nil }
        self.keyword = String(words[0])
        self.milliseconds = milliseconds
        self.fields = words.dropFirst(2).map(String.init)
        self.seenAt = seenAt
    }
}

/// An interruption of a target as the guest's probes saw it.
public struct GuestOutage: Sendable, Equatable {
    /// Failed probes in a row (0: none failed).
    public let lostProbes: Int
    /// From the first failed probe's sending to the next successful one's, guest clock (0: none failed).
    public let milliseconds: Int

    /// Creates an outage.
    public init(lostProbes: Int, milliseconds: Int) {
        self.lostProbes = lostProbes
        self.milliseconds = milliseconds
    }

    /// The first outage of `target` in `reports` once it is over and settled; no outage when `quiet`
    /// probes in a row succeeded before any failed; nil while undecided.
    ///
    /// Probes overlap and a failed one reports only when its wait ends (1 s by default), so a
    /// success can be reported before failures sent earlier: the outage is judged only once a
    /// probe sent `settleMilliseconds` after the recovering one has reported.
    public static func first(of target: String, in reports: [GuestReport], quiet: Int,
                             settleMilliseconds: Int = 1500) -> GuestOutage? {
        let probes = reports.filter { $0.target == target }.sorted { $0.milliseconds < $1.milliseconds }
        guard let firstFailure = probes.firstIndex(where: { !$0.succeeded }) else {
            return probes.count >= quiet ? GuestOutage(lostProbes: 0, milliseconds: 0) : nil
        }
        if firstFailure >= quiet { return GuestOutage(lostProbes: 0, milliseconds: 0) }
        guard let recovery = probes[firstFailure...].firstIndex(where: \.succeeded),
              let last = probes.last, last.milliseconds >= probes[recovery].milliseconds + settleMilliseconds else { return nil }
        return GuestOutage(lostProbes: recovery - firstFailure,
                           milliseconds: probes[recovery].milliseconds - probes[firstFailure].milliseconds)
    }
}

/// A point in the serial log: waits "after" a mark consider only lines printed later.
public struct GuestSerialMark: Sendable {
    /// Number of reports before the mark.
    public let index: Int
}

/// The guest's serial log, read incrementally as QEMU appends to it.
public final class GuestSerialLog: @unchecked Sendable {
    /// The file QEMU writes.
    public let path: String
    private let lock = NSLock()
    private var offset = 0
    private var partial: [UInt8] = []
    private var parsed: [GuestReport] = []
    private var rawLines: [String] = []

    /// Reads the log at `path` (which may not exist yet).
    public init(path: String) { self.path = path }

    /// Reads what QEMU appended since the last call.
    @discardableResult
    public func refresh() -> [GuestReport] {
        lock.lock()
        defer { lock.unlock() }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return parsed }
        defer { close(fd) }
        var chunk = [UInt8](repeating: 0, count: 65536)
        let now = TestClock.now
        while true {
            let count = chunk.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(offset)) }
            guard count > 0 else { break }
            offset += count
            partial.append(contentsOf: chunk[0..<count])
        }
        while let newline = partial.firstIndex(of: 0x0A) {
            let line = String(decoding: partial[..<newline], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            partial.removeSubrange(...newline)
            rawLines.append(line)
            if let report = GuestReport(line: Substring(line), seenAt: now) { parsed.append(report) }
        }
        return parsed
    }

    /// Every report so far.
    public var reports: [GuestReport] { refresh() }

    /// The current end of the log.
    public func mark() -> GuestSerialMark { GuestSerialMark(index: refresh().count) }

    /// The last `count` raw lines (kernel messages included), for failure messages.
    public func tail(_ count: Int = 30) -> String {
        refresh()
        lock.lock()
        defer { lock.unlock() }
        return rawLines.suffix(count).joined(separator: "\n")
    }

    /// Polls the log until `condition` returns a value from the reports after `mark`.
    public func wait<T>(for what: String, after mark: GuestSerialMark? = nil, timeout: Double,
                        _ condition: ([GuestReport]) -> T?) throws -> T {
        let deadline = TestClock.now + timeout
        while true {
            let reports = refresh()
            let start = min(mark?.index ?? 0, reports.count)
            if let value = condition(Array(reports[start...])) { return value }
            guard TestClock.now < deadline else {
                throw TestGuestError(description: "guest: timed out after \(Int(timeout)) s waiting for \(what); serial log ends:\n\(tail())")
            }
            usleep(20_000)
        }
    }
}

/// A test guest that did not do what was expected.
public struct TestGuestError: Error, CustomStringConvertible {
    /// What failed and what the guest said.
    public let description: String
}

/// CLOCK_MONOTONIC in seconds.
public enum TestClock {
    /// Now.
    public static var now: Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }
}
