import Foundation
import Glibc
import NetCore

/// Reads a file named on the command line ('-' is standard input). A failure says why, as
/// virsh does: "Failed to open file 'PATH': REASON" when it cannot be opened (missing, no
/// permission), "Failed to read file 'PATH': REASON" when it cannot be read (a directory).
func readArgumentFile(_ path: String) throws(PatchbayError) -> String {
    func failure(_ verb: String, _ number: Int32) -> PatchbayError {
        PatchbayError(.systemError, "Failed to \(verb) file '\(path)': \(String(cString: strerror(number)))", domain: .none)
    }
    let fd = path == "-" ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw failure("open", errno) }
    defer { if fd != STDIN_FILENO { close(fd) } }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
        let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if count < 0 {
            if errno == EINTR { continue }
            throw failure("read", errno)
        }
        if count == 0 { break }
        bytes += chunk[..<count]
    }
    return String(decoding: bytes, as: UTF8.self)
}

/// Prints `error: MESSAGE` on stderr as virsh does. libvirt's system errors (an OS call that
/// failed, errno's text at the end) carry no "system error" prefix in virsh's output.
func printError(_ error: PatchbayError) {
    let text = error.code == .systemError ? error.detail : error.message
    FileHandle.standardError.write(Data("error: \(text)\n".utf8))
}
