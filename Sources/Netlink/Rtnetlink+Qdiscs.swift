import CLinuxUAPI
import Glibc
import NetCore

/// `struct tcmsg`: a qdisc, class or filter on a link.
public struct TrafficControlHeader: RouteFamilyHeader, Equatable {
    /// AF_UNSPEC.
    public var family: UInt8 = 0
    /// The link's index.
    public var index: Int32
    /// The object's handle (major:minor packed as 16:16).
    public var handle: UInt32
    /// The parent handle (TC_H_ROOT, TC_H_INGRESS, or a class).
    public var parent: UInt32
    /// Kind-specific info (filter priority/protocol).
    public var info: UInt32 = 0

    public init(index: Int32, handle: UInt32 = 0, parent: UInt32) {
        self.index = index
        self.handle = handle
        self.parent = parent
    }

    /// Appends the fields.
    public func encode(into writer: inout NetlinkWriter) {
        writer.append(family)
        writer.append(UInt8(0))
        writer.append(UInt16(0))
        writer.append(index)
        writer.append(handle)
        writer.append(parent)
        writer.append(info)
    }

    /// Reads the fields.
    public init(reading reader: inout NetlinkReader) throws(NetlinkError) {
        family = try reader.integer()
        _ = try reader.integer(UInt8.self)
        _ = try reader.integer(UInt16.self)
        index = try reader.integer()
        handle = try reader.integer()
        parent = try reader.integer()
        info = try reader.integer()
    }
}

/// Where a qdisc hangs: the device's root (egress) or its ingress hook.
public enum QdiscAttachment: Sendable {
    /// TC_H_ROOT
    case root
    /// TC_H_INGRESS
    case ingress

    var parent: UInt32 { self == .root ? 0xFFFF_FFFF : 0xFFFF_FFF1 }
}

extension Rtnetlink {
    /// The kind of the qdisc at `attachment` of `device` (e.g. `htb`, `ingress`, `noqueue`), nil if none.
    ///
    /// One netlink round trip instead of a `tc qdisc show` process.
    public func qdiscKind(of device: InterfaceName, at attachment: QdiscAttachment) throws(PatchbayError) -> String? {
        guard let link = try link(named: device) else { return nil }
        // The kernel answers a qdisc GET with a notification, sent back to us only with NLM_F_ECHO.
        let message = NetlinkMessage(type: UInt16(RTM_GETQDISC), flags: UInt16(NLM_F_ECHO),
                                     header: TrafficControlHeader(index: link.index, parent: attachment.parent))
        do {
            let answers = try socket.query(message)
            guard let answer = answers.first else { return nil }
            let parsed = try NetlinkMessage<TrafficControlHeader>(type: answer.type, flags: 0, sequence: 0, body: answer.body)
            return parsed.attributes.first(UInt16(TCA_KIND))?.stringValue
        } catch .kernel(let code) where code == ENOENT || code == EINVAL {
            return nil
        } catch {
            throw error.reported("Unable to query the qdiscs of '\(device)'")
        }
    }

    /// Deletes the qdisc at `attachment` of `device` (with its classes and filters); absent is fine.
    public func deleteQdisc(of device: InterfaceName, at attachment: QdiscAttachment) throws(PatchbayError) {
        guard let link = try link(named: device) else { return }
        let message = NetlinkMessage(type: UInt16(RTM_DELQDISC), flags: 0,
                                     header: TrafficControlHeader(index: link.index, handle: attachment == .ingress ? 0xFFFF_0000 : 0,
                                                                  parent: attachment.parent))
        do { try socket.request(message) } catch .kernel(let code) where code == ENOENT || code == EINVAL {
            return
        } catch {
            throw error.reported("Unable to remove the \(attachment == .root ? "root" : "ingress") qdisc of '\(device)'")
        }
    }
}
