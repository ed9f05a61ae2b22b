import Foundation
import Glibc
import NetCore

/// An append-only log of operations: `BEGIN <op>` before an operation, `ACK <op>` after it
/// returned successfully, `FAIL <op>` after it was refused. A SIGKILL leaves at most one BEGIN
/// without its outcome: the operation whose effect may or may not have happened.
struct Journal {
    private let fd: Int32

    init(path: String) throws {
        fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw PatchbayError.system("cannot open journal \(path)", errno: errno) }
    }

    func append(_ line: String) {
        let bytes = Array((line + "\n").utf8)
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    }

    /// The journal's lines.
    static func read(_ path: String) -> [String] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
    }
}
