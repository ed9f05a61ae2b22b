import Foundation
import NetCore
import NetDriver
import Testing

/// The restart snapshot is a cache of the port files: a restart through it must give exactly what
/// the files give, and anything that changed the files since it was written must win.
@Suite("Restart snapshot")
struct RestartSnapshotTests {
    /// A driver with two direct networks: ports 1–6 on "a" (3 deleted), 11–12 on "b".
    private func populated(_ fixture: DriverFixture) throws -> NetworkDriver {
        let driver = try fixture.driver()
        try driver.create(xml: Documents.direct("a", mode: "private", devices: ["eth1", "eth2"]))
        try driver.create(xml: Documents.direct("b", mode: "vepa", devices: ["eth3"]))
        for index in 1...6 {
            try driver.createPort(network: "a", xml: Documents.port(Documents.uuid(index), mac: String(format: "52:54:00:00:04:%02x", index),
                                                                  extra: index == 4 ? "<bandwidth><inbound average='1000'/></bandwidth>" : ""))
        }
        for index in 11...12 {
            try driver.createPort(network: "b", xml: Documents.port(Documents.uuid(index), mac: String(format: "52:54:00:00:05:%02x", index)))
        }
        try driver.deletePort(network: "a", port: LibvirtUUID(Documents.uuid(3)))
        return driver
    }

    private var snapshotPath: (DriverFixture) -> String { { "\($0.state)/restart-snapshot" } }

    @Test func restartThroughTheSnapshotEqualsRestartFromFiles() throws {
        try DriverFixture.with { fixture in
            let driver = try populated(fixture)
            let fromFiles = try fixture.driver(host: FakeNetworkHost())
            let expected = try ["a", "b"].map { try fromFiles.ports(network: $0) }
            let expectedXML = try ["a", "b"].map { try fromFiles.xml(name: $0) }
            try driver.saveRestartSnapshot()
            #expect(FileManager.default.fileExists(atPath: snapshotPath(fixture)))
            let restarted = try fixture.driver(host: FakeNetworkHost())
            #expect(try ["a", "b"].map { try restarted.ports(network: $0) } == expected)
            #expect(try ["a", "b"].map { try restarted.xml(name: $0) } == expectedXML)
            #expect(!FileManager.default.fileExists(atPath: snapshotPath(fixture)), "a snapshot serves one start only")
        }
    }

    @Test func anUnchangedDirectoryIsReadFromTheSnapshot() throws {
        try DriverFixture.with { fixture in
            let driver = try populated(fixture)
            try driver.saveRestartSnapshot()
            // Rewritten in place (no rename, so the directory's time stays): only a start that
            // really read the snapshot still sees the original address.
            let file = "\(fixture.state)/ports/\(try driver.lookup(name: "b").uuid)/\(Documents.uuid(11)).xml"
            let original = try String(contentsOfFile: file, encoding: .utf8)
            let handle = try #require(FileHandle(forWritingAtPath: file))
            try handle.write(contentsOf: Data(original.replacingOccurrences(of: "52:54:00:00:05:0b", with: "52:54:00:00:05:ee").utf8))
            try handle.close()
            let restarted = try fixture.driver(host: FakeNetworkHost())
            #expect(try restarted.ports(network: "b").first?.mac.description == "52:54:00:00:05:0b")
        }
    }

    @Test func portFilesChangedAfterTheSnapshotWin() throws {
        try DriverFixture.with { fixture in
            let driver = try populated(fixture)
            try driver.saveRestartSnapshot()
            // Another port removed and one added behind the snapshot's back (as a crash of a later
            // daemon would leave them): network "a" must come from its files, "b" is untouched.
            let directory = "\(fixture.state)/ports/\(try driver.lookup(name: "a").uuid)"
            try FileManager.default.removeItem(atPath: "\(directory)/\(Documents.uuid(5)).xml")
            let restarted = try fixture.driver(host: FakeNetworkHost())
            #expect(try restarted.ports(network: "a").map(\.uuid.description) == [1, 2, 4, 6].map(Documents.uuid))
            #expect(try restarted.ports(network: "b").map(\.uuid.description) == [11, 12].map(Documents.uuid))
        }
    }

    @Test(arguments: [0, 7, 19, 64, 200, -1])
    func aDamagedSnapshotFallsBackToTheFiles(cut: Int) throws {
        try DriverFixture.with { fixture in
            let driver = try populated(fixture)
            try driver.saveRestartSnapshot()
            let path = snapshotPath(fixture)
            var bytes = try #require(FileManager.default.contents(atPath: path))
            if cut >= 0 {
                bytes = bytes.prefix(min(cut, bytes.count - 1))
            } else {
                // Same length, garbage in the middle.
                let middle = bytes.count / 2
                bytes.replaceSubrange(middle..<min(middle + 16, bytes.count), with: Data(repeating: 0xFF, count: min(16, bytes.count - middle)))
            }
            try bytes.write(to: URL(fileURLWithPath: path))
            let restarted = try fixture.driver(host: FakeNetworkHost())
            #expect(try restarted.ports(network: "a").map(\.uuid.description) == [1, 2, 4, 5, 6].map(Documents.uuid))
            #expect(try restarted.ports(network: "b").count == 2)
        }
    }

    @Test func aSnapshotOfAStoppedNetworkIsIgnored() throws {
        try DriverFixture.with { fixture in
            let driver = try populated(fixture)
            try driver.saveRestartSnapshot()
            try driver.destroy(name: "b")
            let restarted = try fixture.driver(host: FakeNetworkHost())
            #expect(throws: PatchbayError.self) { try restarted.ports(network: "b") }
            #expect(try restarted.ports(network: "a").count == 5)
        }
    }
}
