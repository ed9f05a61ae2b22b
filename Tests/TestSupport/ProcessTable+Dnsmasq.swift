import Foundation
import Glibc
import HostOS

extension ProcessTable {
    /// Running (not zombie) dnsmasq processes whose command line contains `fragment`, so tests can
    /// find the daemons they started (and prove none is left).
    public static func dnsmasq(mentioning fragment: String) -> [pid_t] {
        all().filter { !$0.isZombie && $0.commandLine.hasPrefix("/usr/sbin/dnsmasq") && $0.commandLine.contains(fragment) }.map(\.pid)
    }
}

extension ProcessTable {
    /// Kills, by pid, every dnsmasq whose pid file (`*.pid`) is anywhere under `root`: a test's
    /// state directory, so that no dnsmasq outlives the namespace it serves.
    public static func killDnsmasqs(pidFilesUnder root: String) {
        guard let walker = FileManager.default.enumerator(atPath: root) else { return }
        for case let path as String in walker where path.hasSuffix(".pid") {
            if let text = AtomicFile.readText("\(root)/\(path)"),
               let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)), pid > 0 {
                kill(pid, SIGKILL)
            }
        }
    }
}
