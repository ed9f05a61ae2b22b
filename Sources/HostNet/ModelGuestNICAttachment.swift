import NetConf
import NetCore
import Netlink

/// A `GuestNICAttachment` that keeps an in-memory model of the kernel objects instead of making
/// them, for unit tests of the guest driver's NIC logic (and for failure injection: any call can
/// be made to fail for a given device).
public final class ModelGuestNICAttachment: GuestNICAttachment, @unchecked Sendable {
    private let lock = Lock()
    /// Devices that exist (bridges and lower devices); taps are implied.
    private var devices: Set<InterfaceName>
    /// Where each tap points now.
    private var connected: [InterfaceName: NICAttachment] = [:]
    /// Macvlans that exist, with the attachment that made them.
    private var macvlans: [InterfaceName: NICAttachment] = [:]
    private var shaping: [InterfaceName: Bandwidth] = [:]
    /// Devices whose attachments fail to prepare (a device gone, a refusal).
    private var failing: Set<InterfaceName> = []
    /// What `announce` was asked to announce (kept apart from `journal`: not a kernel change).
    private var announcements: [NICAttachment] = []
    /// Every call, for order checks: "prepare pbmv…", "connect vnet0", "release …".
    public private(set) var journal: [String] = []

    /// A model with these bridges and lower devices.
    public init(devices: Set<InterfaceName>) { self.devices = devices }

    /// Makes attachments to `device` fail (nil: none fail).
    public func fail(on device: InterfaceName?) {
        lock.withLock { failing = device.map { [$0] } ?? [] }
    }

    /// Where the tap points now (nil: nothing).
    public func attachment(of tap: InterfaceName) -> NICAttachment? { lock.withLock { connected[tap] } }

    /// The macvlans that exist.
    public var macvlanNames: Set<InterfaceName> { lock.withLock { Set(macvlans.keys) } }

    public func plan(tap: InterfaceName, mac: MACAddress, target: NICAttachmentTarget,
                     replacing current: NICAttachment?) throws(PatchbayError) -> NICAttachment {
        switch target {
        case .bridge: return NICAttachment(tap: tap, mac: mac, target: target)
        case .direct:
            let slots = [try InterfaceName("pbmv-\(tap)"), try InterfaceName("pbmw-\(tap)")]
            return NICAttachment(tap: tap, mac: mac, target: target, macvlan: slots.first { $0 != current?.macvlan } ?? slots[0])
        }
    }

    public func prepare(_ attachment: NICAttachment) throws(PatchbayError) {
        try lock.withLock { () throws(PatchbayError) in
            let device: InterfaceName = switch attachment.target {
            case .bridge(let bridge): bridge
            case .direct(let lower, _): lower
            }
            journal.append("prepare \(device)")
            guard devices.contains(device), !failing.contains(device) else {
                throw PatchbayError(.systemError, "Unable to attach '\(attachment.tap)' to '\(device)': no such interface '\(device)'")
            }
            if let macvlan = attachment.macvlan { macvlans[macvlan] = attachment }
        }
    }

    public func connect(_ attachment: NICAttachment) throws(PatchbayError) {
        lock.withLock {
            journal.append("connect \(attachment.tap)")
            connected[attachment.tap] = attachment
        }
    }

    public func disconnect(tap: InterfaceName) throws(PatchbayError) {
        lock.withLock {
            journal.append("disconnect \(tap)")
            connected[tap] = nil
            shaping[tap] = nil
        }
    }

    public func release(_ attachment: NICAttachment) throws(PatchbayError) {
        lock.withLock {
            journal.append("release \(attachment.macvlan?.value ?? attachment.target.description)")
            if let macvlan = attachment.macvlan { macvlans[macvlan] = nil }
        }
    }

    public func applyBandwidth(_ bandwidth: Bandwidth?, to attachment: NICAttachment) throws(PatchbayError) {
        lock.withLock { shaping[attachment.tap] = bandwidth }
    }

    public func verify(tap: InterfaceName, _ attachment: NICAttachment?, bandwidth: Bandwidth?) throws(PatchbayError) {
        try lock.withLock { () throws(PatchbayError) in
            guard connected[tap] == attachment else {
                throw PatchbayError(.operationFailed, "guest NIC tap '\(tap)' is not wired as recorded", domain: .domain)
            }
            if let macvlan = attachment?.macvlan, macvlans[macvlan] == nil {
                throw PatchbayError(.operationFailed, "guest NIC tap '\(tap)': its macvlan does not exist", domain: .domain)
            }
        }
    }

    /// Attachments announced, in order.
    public var announced: [NICAttachment] { lock.withLock { announcements } }

    @discardableResult
    public func announce(_ attachment: NICAttachment) throws(PatchbayError) -> Int {
        lock.withLock { announcements.append(attachment) }
        if case .bridge = attachment.target { return 1 }
        return 0
    }
}

extension NICAttachmentTarget: CustomStringConvertible {
    /// `bridge virbr0` or `direct eth0 vepa`.
    public var description: String {
        switch self {
        case .bridge(let bridge): "bridge \(bridge)"
        case .direct(let lower, let mode): "direct \(lower) \(mode.rawValue)"
        }
    }
}
