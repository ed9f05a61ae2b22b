import Glibc
import NetCore

/// Whole-file writes that a crash or a concurrent reader never sees half done (DESIGN.md, "State
/// and recovery"): a temporary file in the same directory, fsync, rename over the target, fsync
/// of the directory so the rename itself is durable.
public enum AtomicFile {
    /// Replaces `path` with `contents`, readable per `mode`.
    public static func write(_ contents: String, to path: String, mode: mode_t = 0o644) throws(PatchbayError) {
        try write(bytes: Array(contents.utf8), to: path, mode: mode)
    }

    /// Replaces `path` with `bytes`, readable per `mode`.
    public static func write(bytes: [UInt8], to path: String, mode: mode_t = 0o644) throws(PatchbayError) {
        let directory = parentDirectory(of: path)
        var template = Array("\(path).tmp-XXXXXX".utf8CString)
        var fd = template.withUnsafeMutableBufferPointer { buffer in
            buffer.baseAddress.map { mkstemp($0) } ?? -1
        }
        if fd < 0 && errno == ENOENT {
            // First file in a new directory (e.g. a network's first port): create it and retry.
            try makeDirectory(directory, mode: 0o700)
            template = Array("\(path).tmp-XXXXXX".utf8CString)
            fd = template.withUnsafeMutableBufferPointer { buffer in
                buffer.baseAddress.map { mkstemp($0) } ?? -1
            }
        }
        // Keeps the descriptor out of children spawned meanwhile (mkostemp is not exported here).
        if fd >= 0 { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        guard fd >= 0 else { throw .system("cannot create a temporary file next to '\(path)'", errno: errno) }
        let temporary = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var succeeded = false
        defer {
            if !succeeded { unlink(temporary) }
        }
        do {
            defer { close(fd) }
            var offset = 0
            while offset < bytes.count {
                let written = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
                if written < 0 {
                    if errno == EINTR { continue }
                    throw PatchbayError.system("cannot write '\(path)'", errno: errno)
                }
                offset += written
            }
            // mkostemp creates 0600; the final mode is set explicitly, independent of the umask.
            guard fchmod(fd, mode) == 0 else { throw PatchbayError.system("cannot set the mode of '\(path)'", errno: errno) }
            guard fsync(fd) == 0 else { throw PatchbayError.system("cannot flush '\(path)'", errno: errno) }
        }
        guard rename(temporary, path) == 0 else { throw .system("cannot replace '\(path)'", errno: errno) }
        succeeded = true
        let directoryFD = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directoryFD >= 0 {
            fsync(directoryFD)
            close(directoryFD)
        }
    }

    /// Reads a whole file; nil when it does not exist or cannot be read.
    public static func read(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        return HostCommand.readAll(fd)
    }

    /// Creates `path` and its missing parents (like `mkdir -p`).
    public static func makeDirectory(_ path: String, mode: mode_t = 0o755) throws(PatchbayError) {
        var current = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            current += "/" + component
            if mkdir(current, mode) != 0 && errno != EEXIST {
                throw .system("cannot create directory '\(current)'", errno: errno)
            }
        }
    }

    /// Removes `path` durably (the directory is synced); a missing file is not an error.
    public static func remove(_ path: String) throws(PatchbayError) {
        if unlink(path) != 0 {
            if errno == ENOENT { return }
            throw .system("cannot remove '\(path)'", errno: errno)
        }
        let directoryFD = open(parentDirectory(of: path), O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directoryFD >= 0 {
            fsync(directoryFD)
            close(directoryFD)
        }
    }

    /// Reads a whole file as UTF-8 text; nil when it does not exist or cannot be read.
    public static func readText(_ path: String) -> String? {
        read(path).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Writes that a crash interrupted in `directory`: the temporary files `write` leaves when it
    /// dies before its rename (the target still holds its previous content).
    public static func interruptedWrites(in directory: String) -> [String] {
        (DirectoryListing.names(in: directory) ?? []).filter(isTemporary).sorted()
    }

    /// True for a name with `.tmp-` in it: a write that has not been renamed into place. Checked on
    /// bytes: the generic substring search costs more than the directory read at restart.
    public static func isTemporary(_ name: String) -> Bool {
        let marker = Array(".tmp-".utf8)
        let bytes = Array(name.utf8)
        guard bytes.count >= marker.count else { return false }
        return (0...(bytes.count - marker.count)).contains { bytes[$0..<$0 + marker.count].elementsEqual(marker) }
    }

    /// Names in `directory` ending in `suffix`, sorted, hidden and temporary files excluded
    /// (none when the directory does not exist). Read through `DirectoryListing`, which never
    /// copies a `dirent` by value.
    public static func list(_ directory: String, suffix: String = "") -> [String] {
        let names = DirectoryListing.names(in: directory) ?? []
        return names.filter { !$0.hasPrefix(".") && !isTemporary($0) && $0.hasSuffix(suffix) }.sorted()
    }

    static func parentDirectory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}
