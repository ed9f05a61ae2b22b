import Glibc

/// One process as /proc shows it.
public struct ProcessEntry: Sendable {
    /// Process id.
    public let pid: pid_t
    /// Parent's process id.
    public let parent: pid_t
    /// The short command name (`comm`).
    public let command: String
    /// The command line, arguments joined by spaces.
    public let commandLine: String
    /// Exited but not reaped.
    public let isZombie: Bool
}

/// Reads /proc: which processes exist, whose children they are, and which have exited unreaped.
public enum ProcessTable {
    /// The process `pid`, or nil when there is none.
    public static func entry(_ pid: pid_t) -> ProcessEntry? {
        guard let stat = AtomicFile.readText("/proc/\(pid)/stat"),
              let open = stat.firstIndex(of: "("), let close = stat.lastIndex(of: ")"), open < close else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 2 else { return nil }
        // `comm` may hold spaces and parentheses, hence the last ')' above; cmdline is NUL-separated.
        let arguments = AtomicFile.read("/proc/\(pid)/cmdline") ?? []
        return ProcessEntry(pid: pid, parent: pid_t(fields[1]) ?? 0, command: String(stat[stat.index(after: open)..<close]),
                            commandLine: String(decoding: arguments.map { $0 == 0 ? 32 : $0 }, as: UTF8.self),
                            isZombie: fields[0] == "Z")
    }

    /// Every process now.
    public static func all() -> [ProcessEntry] {
        (DirectoryListing.names(in: "/proc") ?? []).compactMap { pid_t($0) }.compactMap(entry)
    }

    /// True while `pid` runs (a zombie counts as gone).
    public static func isAlive(_ pid: pid_t) -> Bool { entry(pid).map { !$0.isZombie } ?? false }
}
