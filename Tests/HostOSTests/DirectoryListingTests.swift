import Foundation
import Glibc
@testable import HostOS
import TestSupport
import Testing

/// Directory entries are read where libc wrote them: a name of any length comes back exactly, and
/// nothing past the entry's own record is ever read (a read past it crashed the daemon at start).
@Suite("Directory listing")
struct DirectoryListingTests {
    /// Byte lengths of `d_name` a file system allows (NAME_MAX is 255).
    static let nameLengths = 1...255

    /// Characters names are made of: 1-, 2- and 3-byte UTF-8, so lengths are counted in bytes.
    static let alphabet: [String] = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_+=,~").map(String.init) + ["é", "ß", "€", "→"]

    /// The alphabet's characters that fit in 1, 2 and 3 or more bytes.
    static let fitting = (1...3).map { room in alphabet.filter { $0.utf8.count <= room } }

    /// A random name of exactly `length` UTF-8 bytes that neither is hidden nor looks like a temporary file.
    static func name(length: Int, using generator: inout SplitMix64) -> String {
        var name = ""
        var room = length
        while room > 0 {
            let piece = generator.pick(fitting[min(room, 3) - 1])
            name += piece
            room -= piece.utf8.count
        }
        return name
    }

    /// A fresh directory under /tmp, removed after `body` whatever happens.
    static func withTemporaryDirectory(_ body: (String) throws -> Void) throws {
        var template = Array("\(NSTemporaryDirectory())/pb-dirlist-XXXXXX".utf8CString)
        let created = template.withUnsafeMutableBufferPointer { buffer in buffer.baseAddress.flatMap { mkdtemp($0) } }
        try #require(created != nil, "mkdtemp failed: errno \(errno)")
        let path = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        defer { try? FileManager.default.removeItem(atPath: path) }
        try body(path)
    }

    /// Thousands of entries with every name length from 1 to 255 bytes, in a different mixture per
    /// seed so records end at many different places in libc's buffer (under AddressSanitizer, a read
    /// past the last record of a buffer is reported).
    @Test(arguments: [UInt64(1), 2, 3])
    func everyNameLengthComesBackExactly(seed: UInt64) throws {
        var generator = SplitMix64(seed: seed)
        try Self.withTemporaryDirectory { directory in
            var expected: Set<String> = []
            for length in Self.nameLengths {
                let copies = 8 + generator.below(8)
                var attempts = 0
                var made = 0
                while made < copies && attempts < 100 {
                    attempts += 1
                    let name = Self.name(length: length, using: &generator)
                    guard expected.insert(name).inserted else { continue }
                    made += 1
                }
            }
            // Created in a shuffled order, so the directory's order is not the lengths' order.
            var order = Array(expected)
            for index in order.indices.reversed() { order.swapAt(index, generator.below(index + 1)) }
            for name in order {
                let fd = open("\(directory)/\(name)", O_CREAT | O_WRONLY | O_CLOEXEC, 0o600)
                try #require(fd >= 0, "cannot create a file named \(name.utf8.count) bytes long: errno \(errno)")
                close(fd)
            }
            #expect(expected.count > 2_000)
            #expect(Set(expected.map(\.utf8.count)) == Set(Self.nameLengths))

            let listed = try #require(DirectoryListing.names(in: directory))
            #expect(listed.count == expected.count, "no entry lost or repeated")
            #expect(Set(listed) == expected)
            #expect(AtomicFile.list(directory) == expected.sorted())
            let bySuffix = expected.filter { $0.hasSuffix("a") }.sorted()
            #expect(AtomicFile.list(directory, suffix: "a") == bySuffix)
        }
    }

    @Test func hiddenAndTemporaryNamesAreOnlyLeftOutOfAtomicFileList() throws {
        try Self.withTemporaryDirectory { directory in
            let names = [".hidden", "net.xml", "net.xml.tmp-Ab12Cd", "x"]
            for name in names { try AtomicFile.write("", to: "\(directory)/\(name)") }
            #expect(Set(try #require(DirectoryListing.names(in: directory))) == Set(names), "`.` and `..` are left out")
            #expect(AtomicFile.list(directory) == ["net.xml", "x"])
            #expect(AtomicFile.interruptedWrites(in: directory) == ["net.xml.tmp-Ab12Cd"])
        }
    }

    @Test func missingDirectoryListsNothing() {
        #expect(DirectoryListing.names(in: "/nonexistent/pb-dirlist") == nil)
        #expect(AtomicFile.list("/nonexistent/pb-dirlist").isEmpty)
        #expect(AtomicFile.interruptedWrites(in: "/nonexistent/pb-dirlist").isEmpty)
    }

    /// A page whose next page is inaccessible: a record placed at its very end is exactly what
    /// libc hands out when its buffer ends at a page boundary, and any read past the record faults.
    final class GuardedPage {
        let size = Int(sysconf(Int32(_SC_PAGESIZE)))
        let base: UnsafeMutableRawPointer

        init() throws {
            // MAP_FAILED is ((void *) -1), a macro Swift does not import.
            let mapped: UnsafeMutableRawPointer? = mmap(nil, 2 * size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
            base = try #require(mapped == UnsafeMutableRawPointer(bitPattern: -1) ? nil : mapped)
            try #require(mprotect(base + size, size, PROT_NONE) == 0)
        }

        deinit { munmap(base, 2 * size) }

        /// Writes a dirent record of `recordLength` bytes holding `name` (NUL-terminated when it
        /// fits) so that it ends at the guard page, and returns where it starts.
        func record(_ name: [UInt8], recordLength: Int) -> UnsafeRawPointer {
            let start = base + size - recordLength
            start.initializeMemory(as: UInt8.self, repeating: 0xAA, count: recordLength)
            let nameOffset = MemoryLayout<dirent>.offset(of: \dirent.d_name) ?? 19
            let lengthOffset = MemoryLayout<dirent>.offset(of: \dirent.d_reclen) ?? 16
            start.storeBytes(of: UInt16(recordLength), toByteOffset: lengthOffset, as: UInt16.self)
            let room = recordLength - nameOffset
            for (index, byte) in name.prefix(room).enumerated() { start.storeBytes(of: byte, toByteOffset: nameOffset + index, as: UInt8.self) }
            if name.count < room { start.storeBytes(of: 0, toByteOffset: nameOffset + name.count, as: UInt8.self) }
            return UnsafeRawPointer(start)
        }
    }

    @Test func nameIsReadWithinItsRecordAtAPageEnd() throws {
        let page = try GuardedPage()
        let nameOffset = try #require(MemoryLayout<dirent>.offset(of: \dirent.d_name))
        var generator = SplitMix64(seed: 7)
        for length in Self.nameLengths {
            let name = Self.name(length: length, using: &generator)
            // The kernel's record: header, name, NUL, padded to 8 bytes.
            let recordLength = (nameOffset + length + 1 + 7) & ~7
            let entry = page.record(Array(name.utf8), recordLength: recordLength)
            #expect(DirectoryListing.name(of: entry) == name, "name of \(length) bytes")
        }
    }

    @Test func nameWithoutTerminatorStopsAtTheRecordEnd() throws {
        let page = try GuardedPage()
        let nameOffset = try #require(MemoryLayout<dirent>.offset(of: \dirent.d_name))
        // A corrupt record whose name fills it with no NUL: the name ends where the record does.
        let entry = page.record(Array("abcdefghijklmnop".utf8), recordLength: 24)
        #expect(DirectoryListing.name(of: entry) == String("abcdefghijklmnop".prefix(24 - nameOffset)))
        // A record that ends where its name would begin.
        let empty = page.record([], recordLength: nameOffset)
        #expect(DirectoryListing.name(of: empty) == "")
    }
}
