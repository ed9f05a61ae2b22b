import CLinuxUAPI
import Foundation
import Glibc

/// Daemons that tests start (dnsmasq forks into the background) are orphaned when killed; on a
/// host whose PID 1 does not reap, they would stay as zombies. The test process makes itself
/// their subreaper and reaps those of them that have exited.
public enum ChildReaper {
    private static let adopted: Bool = pb_set_child_subreaper() == 0

    /// Makes the test process the reaper of its orphaned descendants (once).
    public static func adoptOrphans() { _ = adopted }

    /// Reaps exited children whose command is `command` (never any other child: their exit status
    /// belongs to whoever started them).
    public static func reapExited(command: String = "dnsmasq") {
        let me = getpid()
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        for pid in entries.compactMap(Int32.init) {
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let open = stat.firstIndex(of: "("), let close = stat.lastIndex(of: ")") else { continue }
            let name = stat[stat.index(after: open)..<close]
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard name == command, fields.count > 2, fields[0] == "Z", Int32(fields[1]) == me else { continue }
            var status: Int32 = 0
            waitpid(pid, &status, WNOHANG)
        }
    }
}
