import Foundation
import Glibc

/// ARP from the "guest" side of a tap: frames written to and read from the tap's descriptor,
/// where QEMU would.
public struct GuestFrames: Sendable {
    /// The guest's MAC, the sender of every request.
    public var mac: [UInt8]

    /// Frames sent from `mac`.
    public init(mac: [UInt8]) { self.mac = mac }

    /// An ARP request from the guest (`target`'s /24 with host part 10) for `target`.
    public func arpRequest(for target: [UInt8]) -> [UInt8] {
        let own: [UInt8] = [target[0], target[1], target[2], 10]
        return [UInt8](repeating: 0xFF, count: 6) + mac + [0x08, 0x06, 0x00, 0x01, 0x08, 0x00, 6, 4, 0x00, 0x01]
            + mac + own + [UInt8](repeating: 0, count: 6) + target
    }

    /// Sends ARP requests for `target` every `resend` seconds until a reply comes back (or
    /// `timeout` seconds pass).
    public func reaches(_ fd: Int32, _ target: [UInt8], timeout: Double, resend: Double) -> Bool {
        let frame = arpRequest(for: target)
        var buffer = [UInt8](repeating: 0, count: 2048)
        let deadline = Date.now.addingTimeInterval(timeout)
        var lastSent = Date.distantPast
        while Date.now < deadline {
            if Date.now.timeIntervalSince(lastSent) > resend {
                _ = frame.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
                lastSent = Date.now
            }
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 50) > 0 else { continue }
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            guard count >= 42 else { continue }
            if buffer[12] == 0x08, buffer[13] == 0x06, buffer[21] == 2, Array(buffer[28..<32]) == target { return true }
        }
        return false
    }

    /// Drains what the tap has queued (answers to earlier probes).
    public static func drain(_ fd: Int32) {
        var buffer = [UInt8](repeating: 0, count: 2048)
        var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        while poll(&poller, 1, 0) > 0 { _ = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) } }
    }
}
