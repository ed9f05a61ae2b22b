import Foundation

/// The kernel's recorded answers, one file per session case in `Fixtures/Replies/NAME.hex` (and
/// `monitor.hex` for the link monitor): the datagrams as hex (`Hex`), separated by a blank line.
/// Recorded in a fresh namespace by `NetlinkKernelSessionTests` with PATCHBAY_RECORD_NETLINK=DIR
/// and `LinkMonitorReplayTests` with PATCHBAY_RECORD_NETLINK_MONITOR=DIR; port ids (nlmsg_pid)
/// are those the kernel gave the recording sockets.
enum RecordedReplies {
    struct Missing: Error, CustomStringConvertible {
        let name: String
        var description: String { "no recorded answers for \(name)" }
    }

    /// The datagrams recorded for `name`.
    static func datagrams(_ name: String) throws -> [[UInt8]] {
        guard let url = Bundle.module.url(forResource: name, withExtension: "hex", subdirectory: "Fixtures/Replies") else {
            throw Missing(name: name)
        }
        let text = try String(contentsOf: url, encoding: .utf8)
        return text.components(separatedBy: "\n\n").filter { !$0.allSatisfy(\.isWhitespace) }.map(Hex.bytes)
    }

    /// Writes `datagrams` as `directory/NAME.hex`, the form `datagrams(_:)` reads.
    static func record(_ datagrams: [[UInt8]], as name: String, in directory: String) throws {
        let text = datagrams.map { Hex.string($0) }.joined(separator: "\n\n") + "\n"
        try text.write(toFile: "\(directory)/\(name).hex", atomically: true, encoding: .utf8)
    }
}
