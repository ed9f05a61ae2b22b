import Foundation
import Testing

/// Command-line options refused before the daemon binds anything.
@Suite("patchbayd options")
struct DaemonOptionTests {
    @Test("a link-down hold over 10 s is refused by name, and no socket appears",
          arguments: ["10001", "600000"])
    func linkDownHoldIsBounded(milliseconds: String) throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("pb-opt-\(getpid())-\(milliseconds)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let result = try Shell.run(DaemonHarness.binary, ["--link-down-hold-ms", milliseconds, "--no-guests",
                                                          "--socket-dir", "\(root)/sock", "--config-dir", "\(root)/etc",
                                                          "--state-dir", "\(root)/run"])
        #expect(result.status != 0)
        #expect(result.errors.contains("--link-down-hold-ms must be at most 10000 (got \(milliseconds))"))
        #expect(!FileManager.default.fileExists(atPath: "\(root)/sock/virtnetworkd-sock"))
    }
}
