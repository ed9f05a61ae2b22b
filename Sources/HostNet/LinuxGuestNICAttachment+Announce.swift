import Dispatch
import HostOS
import NetCore
import Netlink

extension LinuxGuestNICAttachment {
    /// Delays (ms) of the repeats after the first announcement: a guest whose link came up a
    /// moment ago may still be flushing its neighbour cache (link-down flush), which would
    /// drop an entry updated before it.
    static let announcementRepeats: [Int] = [100, 500]

    @discardableResult
    public func announce(_ attachment: NICAttachment) throws(PatchbayError) -> Int {
        guard case .bridge(let bridge) = attachment.target else { return 0 }
        guard let bridgeLink = try links.link(named: bridge), let owner = bridgeLink.mac else { return 0 }
        guard let tapLink = try links.link(named: attachment.tap) else {
            throw PatchbayError(.systemError, "Unable to announce on '\(attachment.tap)': no such interface")
        }
        let frames = try links.addresses(of: bridge).map { info in
            let a = NeighbourAnnouncement(address: info.address, owner: owner, guest: attachment.mac)
            return (etherType: a.etherType, bytes: a.frame)
        }
        guard !frames.isEmpty else { return 0 }
        let index = tapLink.index
        let device = attachment.tap.value
        let namespace = self.namespace
        @Sendable func send() throws(PatchbayError) {
            guard let namespace else { return try RawFrameSender.send(frames, deviceIndex: index, device: device) }
            try NetworkNamespace.run(in: namespace) { () throws(PatchbayError) in
                try RawFrameSender.send(frames, deviceIndex: index, device: device)
            }.get()
        }
        try send()
        for delay in Self.announcementRepeats {
            // Best effort, and only while the tap is still on this bridge: a later move announces
            // its own bridge, and this one's MAC would then be wrong.
            DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(delay)) { [links] in
                guard let tap = try? links.link(named: attachment.tap), tap.masterIndex == bridgeLink.index else { return }
                try? send()
            }
        }
        return frames.count
    }
}
