import Glibc
import NetCore

/// Crash-safe file writes: temporary file, fsync, rename, fsync of the directory. After a crash
/// a reader finds either the old content or the new one, never a mix or nothing.
public enum AtomicFile {
    /// Writes `text` to `path` atomically, creating missing parent directories.
    public static func write(_ text: String, to path: String) throws(PatchbayError) {
        let directory = parent(of: path)
        try makeDirectories(directory)
        let temporary = "\(directory)/.\(basename(of: path)).tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .system("Unable to create \(temporary)", errno: errno) }
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                let code = errno
                close(fd)
                unlink(temporary)
                throw .system("Unable to write \(temporary)", errno: code)
            }
            offset += written
        }
        guard fsync(fd) == 0 else {
            let code = errno
            close(fd)
            unlink(temporary)
            throw .system("Unable to sync \(temporary)", errno: code)
        }
        close(fd)
        guard rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw .system("Unable to rename \(temporary) to \(path)", errno: code)
        }
        try syncDirectory(directory)
    }

    /// Removes `path` durably; a missing file is not an error.
    public static func remove(_ path: String) throws(PatchbayError) {
        if unlink(path) != 0 && errno != ENOENT { throw .system("Unable to remove \(path)", errno: errno) }
        try syncDirectory(parent(of: path))
    }

    /// The file's content, or nil when it does not exist.
    public static func read(_ path: String) throws(PatchbayError) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw .system("Unable to open \(path)", errno: errno)
        }
        defer { close(fd) }
        var collected: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw .system("Unable to read \(path)", errno: errno)
            }
            if count == 0 { break }
            collected.append(contentsOf: chunk[0..<count])
        }
        return String(decoding: collected, as: UTF8.self)
    }

    /// Names in `directory` ending in `suffix` (none when the directory does not exist).
    public static func list(_ directory: String, suffix: String = "") -> [String] {
        guard let handle = opendir(directory) else { return [] }
        defer { closedir(handle) }
        var names: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name.hasPrefix(".") || !name.hasSuffix(suffix) { continue }
            names.append(name)
        }
        return names.sorted()
    }

    /// Creates `path` and its parents (mode 0700).
    public static func makeDirectories(_ path: String) throws(PatchbayError) {
        var current = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            current += "/" + component
            if mkdir(current, 0o700) != 0 && errno != EEXIST {
                throw .system("Unable to create directory \(current)", errno: errno)
            }
        }
    }

    private static func syncDirectory(_ directory: String) throws(PatchbayError) {
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw .system("Unable to open directory \(directory)", errno: errno) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw .system("Unable to sync directory \(directory)", errno: errno) }
    }

    static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    static func basename(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }
}
