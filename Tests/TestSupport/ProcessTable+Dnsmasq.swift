import Glibc
import HostOS

extension ProcessTable {
    /// Running (not zombie) dnsmasq processes whose command line contains `fragment`, so tests can
    /// find the daemons they started (and prove none is left).
    public static func dnsmasq(mentioning fragment: String) -> [pid_t] {
        all().filter { !$0.isZombie && $0.commandLine.hasPrefix("/usr/sbin/dnsmasq") && $0.commandLine.contains(fragment) }.map(\.pid)
    }
}
