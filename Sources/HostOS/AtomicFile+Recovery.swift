import Glibc

extension AtomicFile {
    /// Deletes the temporary files that writes interrupted by a crash left in `directory` (their
    /// targets still hold the previous content, so nothing is lost). Not synced: a file that comes
    /// back after another crash is deleted again next time.
    public static func discardInterruptedWrites(in directory: String) {
        for name in interruptedWrites(in: directory) { unlink("\(directory)/\(name)") }
    }

    /// The modification time of `path` to the nanosecond; nil when it cannot be read.
    public static func modificationTime(of path: String) -> (seconds: Int, nanoseconds: Int)? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return (info.st_mtim.tv_sec, info.st_mtim.tv_nsec)
    }

    /// Renames `source` to `target` unless `target` exists (then both stay, and the clash is
    /// reported); nil when done or when there was nothing to move.
    public static func moveUnlessTaken(_ source: String, to target: String) -> String? {
        guard access(source, F_OK) == 0 else { return nil }
        guard access(target, F_OK) != 0 else { return "\(source): not moved to '\(target)', which exists" }
        guard rename(source, target) == 0 else {
            return "\(source): cannot move to '\(target)': \(String(cString: strerror(errno)))"
        }
        return nil
    }

    /// Removes `directory` if it is empty (anything else leaves it, silently).
    public static func removeEmptyDirectory(_ directory: String) {
        _ = rmdir(directory)
    }
}
