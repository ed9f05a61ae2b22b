import CLinuxUAPI
import Foundation
import Glibc
import HostOS

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
        for process in ProcessTable.all() where process.command == command && process.isZombie && process.parent == me {
            var status: Int32 = 0
            waitpid(process.pid, &status, WNOHANG)
        }
    }
}
