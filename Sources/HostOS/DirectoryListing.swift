import Glibc

/// The names in a directory, as readdir(3) returns them.
///
/// glibc hands out each entry in place inside its own buffer, and the entry is only as long as its
/// `d_reclen` (the name, its NUL and padding to 8 bytes), not `MemoryLayout<dirent>.size`: the
/// 256-byte `d_name` array is a declaration, not what libc wrote. So the name is read where it lies,
/// within the record, and `dirent` (or its `d_name` tuple) is never copied by value — a copy reads
/// up to 256 bytes past a short name, beyond the end of libc's buffer when the entry is the last one
/// in it, and faults when that buffer ends at a page boundary (a daemon that crashed at start).
public enum DirectoryListing {
    /// Every name in `directory` except `.` and `..`, in readdir order; nil when it cannot be opened.
    public static func names(in directory: String) -> [String]? {
        guard let handle = opendir(directory) else { return nil }
        defer { closedir(handle) }
        var names: [String] = []
        while let entry = readdir(handle) {
            let name = self.name(of: UnsafeRawPointer(entry))
            if name == "." || name == ".." { continue }
            names.append(name)
        }
        return names
    }

    /// Offsets of the two fields read, from the C declaration (never nil for a C struct's stored
    /// field; the fallbacks are glibc's x86-64/arm64 layout).
    private static let nameOffset = MemoryLayout<dirent>.offset(of: \dirent.d_name) ?? 19
    private static let recordLengthOffset = MemoryLayout<dirent>.offset(of: \dirent.d_reclen) ?? 16

    /// The name of the directory entry at `entry` (a record as readdir returns it), read only within
    /// the record's `d_reclen` bytes and up to its NUL.
    static func name(of entry: UnsafeRawPointer) -> String {
        let recordLength = Int(entry.loadUnaligned(fromByteOffset: recordLengthOffset, as: UInt16.self))
        let capacity = max(0, min(recordLength - nameOffset, MemoryLayout<dirent>.size - nameOffset))
        let bytes = UnsafeRawBufferPointer(start: entry + nameOffset, count: capacity)
        let length = bytes.firstIndex(of: 0) ?? capacity
        return String(decoding: bytes[..<length], as: UTF8.self)
    }
}
