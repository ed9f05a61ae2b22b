import HostOS
import NetConf
import NetCore
import NetXML

/// The ports of every running network in one file, written when patchbayd stops cleanly, so the
/// next start reads one file instead of one per port (ten thousand files cost most of a restart:
/// path walks, reads and libxml2 parses).
///
/// The port files stay the source of truth. The snapshot is taken (read and deleted) by the
/// next start, so it never outlives the restart it was written for, and a network's entry is
/// used only while its port directory's modification time is the one recorded: any port file
/// created, replaced or removed since (every write here is a rename) makes that network's ports
/// come from the files again. Entries hold the element trees; the port definitions are still
/// validated by the same parser as the files.
struct RestartSnapshot {
    /// One network's ports as they were at shutdown.
    struct Entry {
        /// When the network's port directory last changed (seconds, nanoseconds).
        var directoryStamp: DirectoryStamp
        /// The encoded `<networkport>` trees (decoded on demand, one network per core at a time).
        var encodedPorts: ArraySlice<UInt8>

        /// The `<networkport>` trees.
        func ports() throws(PatchbayError) -> [XMLElement] {
            let bytes = Array(encodedPorts)
            var offset = 0
            let count = try bytes.withUnsafeBufferPointer { buffer throws(PatchbayError) in
                var reader = XMLTreeCodec.Reader(buffer: buffer, offset: 0)
                defer { offset = reader.offset }
                return try reader.count()
            }
            var ports: [XMLElement] = []
            ports.reserveCapacity(count)
            for _ in 0..<count { ports.append(try XMLTreeCodec.decode(bytes, at: &offset)) }
            guard offset == bytes.count else { throw .internalError("restart snapshot entry has trailing bytes") }
            return ports
        }

        /// An entry for `ports`.
        init(directoryStamp: DirectoryStamp, ports: [XMLElement]) {
            self.directoryStamp = directoryStamp
            var bytes: [UInt8] = []
            XMLTreeCodec.appendCount(ports.count, to: &bytes)
            for port in ports { XMLTreeCodec.encode(port, into: &bytes) }
            encodedPorts = bytes[...]
        }

        init(directoryStamp: DirectoryStamp, encodedPorts: ArraySlice<UInt8>) {
            self.directoryStamp = directoryStamp
            self.encodedPorts = encodedPorts
        }
    }

    /// A directory's modification time, to the nanosecond.
    struct DirectoryStamp: Equatable {
        var seconds: Int
        var nanoseconds: Int

        /// The stamp of `path` now; nil when it cannot be read (no directory: nothing to trust).
        init?(of path: String) {
            guard let time = AtomicFile.modificationTime(of: path) else { return nil }
            seconds = time.seconds
            nanoseconds = time.nanoseconds
        }

        init(seconds: Int, nanoseconds: Int) {
            self.seconds = seconds
            self.nanoseconds = nanoseconds
        }
    }

    private static let magic = Array("PATCHBAY-RESTART-1\n".utf8)

    /// The entries by network UUID.
    var entries: [LibvirtUUID: Entry] = [:]

    /// The file's bytes.
    func encoded() -> [UInt8] {
        var bytes = Self.magic
        XMLTreeCodec.appendCount(entries.count, to: &bytes)
        for (network, entry) in entries {
            XMLTreeCodec.appendString(network.description, to: &bytes)
            XMLTreeCodec.appendString("\(entry.directoryStamp.seconds).\(entry.directoryStamp.nanoseconds)", to: &bytes)
            XMLTreeCodec.appendCount(entry.encodedPorts.count, to: &bytes)
            bytes += entry.encodedPorts
        }
        return bytes
    }

    /// Reads a snapshot; any damage is an error (the caller then reads the port files).
    init(decoding bytes: [UInt8]) throws(PatchbayError) {
        guard bytes.starts(with: Self.magic) else { throw .internalError("not a Patchbay restart snapshot") }
        var offset = Self.magic.count
        var entries: [LibvirtUUID: Entry] = [:]
        let count = try bytes.withUnsafeBufferPointer { buffer throws(PatchbayError) in
            var reader = XMLTreeCodec.Reader(buffer: buffer, offset: offset)
            defer { offset = reader.offset }
            return try reader.count()
        }
        for _ in 0..<count {
            try bytes.withUnsafeBufferPointer { buffer throws(PatchbayError) in
                var reader = XMLTreeCodec.Reader(buffer: buffer, offset: offset)
                let network = try LibvirtUUID(try reader.string())
                let stamp = try reader.string().split(separator: ".")
                guard stamp.count == 2, let seconds = Int(stamp[0]), let nanoseconds = Int(stamp[1]) else {
                    throw .internalError("restart snapshot has a malformed directory stamp")
                }
                let length = try reader.count()
                let start = reader.offset
                _ = try reader.bytes(length)
                entries[network] = Entry(directoryStamp: DirectoryStamp(seconds: seconds, nanoseconds: nanoseconds),
                                         encodedPorts: bytes[start..<start + length])
                offset = reader.offset
            }
        }
        guard offset == bytes.count else { throw .internalError("restart snapshot has trailing bytes") }
        self.entries = entries
    }

    /// An empty snapshot.
    init() {}
}
