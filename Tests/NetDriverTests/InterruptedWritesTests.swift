import Foundation
import Glibc
import HostNet
import HostOS
import NetCore
import NetDriver
import Testing

/// Opening the store removes the temporary files of writes a crash interrupted, in directories of
/// thousands of entries with names of every length (a read past a directory entry is reported by
/// the AddressSanitizer pass of scripts/test).
@Suite("Driver store: interrupted writes")
struct InterruptedWritesTests {
    @Test func interruptedWritesAmongThousandsOfEntriesAreRemoved() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("pb-interrupted-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let ports = "\(root)/run/ports/\(UUID().uuidString.lowercased())"
        try AtomicFile.makeDirectory(ports, mode: 0o700)
        var kept: Set<String> = []
        var temporary = 0
        for length in 1...255 {
            for copy in 0..<10 {
                let stem = "\(length)-\(copy)-"
                let name = stem + String(repeating: "p", count: max(0, length - stem.utf8.count))
                let file = copy % 2 == 0 && length > 12 ? String(name.prefix(length - 12)) + ".tmp-Ab12Cd" : name
                let fd = open("\(ports)/\(file)", O_CREAT | O_WRONLY | O_CLOEXEC, 0o600)
                try #require(fd >= 0)
                close(fd)
                if AtomicFile.isTemporary(file) { temporary += 1 } else { kept.insert(file) }
            }
        }
        #expect(temporary > 1_000)
        _ = try DriverStore(configDirectory: "\(root)/etc", stateDirectory: "\(root)/run")
        #expect(Set(try #require(DirectoryListing.names(in: ports))) == kept)
    }
}
