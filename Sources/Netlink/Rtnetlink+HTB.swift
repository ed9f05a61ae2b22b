import CLinuxUAPI
import Glibc
import NetCore

/// One HTB class's rates in bytes per second and bursts in bytes.
public struct HTBRates: Sendable, Equatable {
    /// Guaranteed rate.
    public var rate: UInt64
    /// Maximum rate (ceil).
    public var ceil: UInt64
    /// Bytes that may go at `ceil` once rate tokens are saved up.
    public var burst: UInt64
    /// Bytes that may go at line speed beyond `ceil`.
    public var cburst: UInt64

    /// tc's default bucket: one MTU-sized frame (its `rate / HZ + mtu` with the kernel's 1 GHz clock).
    public static let defaultBurst: UInt64 = 1600

    /// Creates rates; a zero burst means the default.
    public init(rate: UInt64, ceil: UInt64, burst: UInt64 = 0, cburst: UInt64 = 0) {
        self.rate = rate
        self.ceil = max(ceil, rate)
        self.burst = burst == 0 ? Self.defaultBurst : burst
        self.cburst = cburst == 0 ? Self.defaultBurst : cburst
    }
}

/// Handles as tc writes them: `major:minor` packed 16:16.
public enum TrafficControlHandle {
    /// `major:minor`.
    public static func make(_ major: UInt16, _ minor: UInt16) -> UInt32 { UInt32(major) << 16 | UInt32(minor) }
    /// TC_H_ROOT.
    public static let root: UInt32 = 0xFFFF_FFFF
}

extension Rtnetlink {
    // Attribute numbers from linux/pkt_sched.h (TCA_HTB_*).
    private static let htbParameters: UInt16 = 1, htbInit: UInt16 = 2, htbRate64: UInt16 = 6, htbCeil64: UInt16 = 7
    private static let linkLayerEthernet: UInt8 = 1

    /// Installs an HTB root qdisc `major:` on `device` sending unclassified traffic to `major:defaultClass`.
    public func addHTBRoot(on device: InterfaceName, major: UInt16 = 1, defaultClass: UInt16 = 1) throws(PatchbayError) {
        var global = NetlinkWriter()
        // struct tc_htb_glob: version (TC_HTB_PROTOVER), rate2quantum, defcls, debug, direct_pkts.
        for value: UInt32 in [3, 10, UInt32(defaultClass), 0, 0] { global.append(value) }
        try addTrafficControl(UInt16(RTM_NEWQDISC), on: device, handle: TrafficControlHandle.make(major, 0),
                              parent: TrafficControlHandle.root, kind: "htb",
                              options: [NetlinkAttribute(Self.htbInit, bytes: global.bytes)], what: "HTB root qdisc")
    }

    /// Adds HTB class `classID` under `parent` with `rates`.
    public func addHTBClass(on device: InterfaceName, parent: UInt32, classID: UInt32, rates: HTBRates) throws(PatchbayError) {
        try addTrafficControl(UInt16(RTM_NEWTCLASS), on: device, handle: classID, parent: parent, kind: "htb",
                              options: Self.htbClassOptions(rates), what: "HTB class")
    }

    /// The TCA_OPTIONS of an HTB class (exposed for golden-bytes tests).
    public static func htbClassOptions(_ rates: HTBRates) -> [NetlinkAttribute] {
        var options = NetlinkWriter()
        Self.appendRateSpec(rates.rate, into: &options)
        Self.appendRateSpec(rates.ceil, into: &options)
        options.append(Self.ticks(bytes: rates.burst, at: rates.rate))
        options.append(Self.ticks(bytes: rates.cburst, at: rates.ceil))
        // quantum 0 lets the kernel derive it from rate / rate2quantum; level and prio 0.
        for value: UInt32 in [0, 0, 0] { options.append(value) }
        var attributes = [NetlinkAttribute(Self.htbParameters, bytes: options.bytes)]
        if rates.rate > UInt64(UInt32.max) { attributes.append(.u64(Self.htbRate64, rates.rate)) }
        if rates.ceil > UInt64(UInt32.max) { attributes.append(.u64(Self.htbCeil64, rates.ceil)) }
        return attributes
    }

    /// Adds a packet fifo of `limit` packets as the leaf qdisc `handle` under class `parent`.
    public func addPacketFIFO(on device: InterfaceName, parent: UInt32, handle: UInt32, limit: UInt32) throws(PatchbayError) {
        var options = NetlinkWriter()
        options.append(limit)
        try addTrafficControl(UInt16(RTM_NEWQDISC), on: device, handle: handle, parent: parent, kind: "pfifo",
                              rawOptions: options.bytes, what: "pfifo qdisc")
    }

    /// `struct tc_ratespec` for a link-layer-aware rate (the kernel then needs no rate table).
    private static func appendRateSpec(_ bytesPerSecond: UInt64, into writer: inout NetlinkWriter) {
        writer.append(UInt8(0))                         // cell_log
        writer.append(linkLayerEthernet)                // linklayer
        writer.append(UInt16(0))                        // overhead
        writer.append(Int16(-1))                        // cell_align
        writer.append(UInt16(0))                        // mpu
        writer.append(UInt32(min(bytesPerSecond, UInt64(UInt32.max))))  // rate (RATE64 carries more)
    }

    /// The kernel's psched ticks (64 ns) needed to send `bytes` at `rate` bytes/s.
    public static func ticks(bytes: UInt64, at rate: UInt64) -> UInt32 {
        guard rate > 0 else { return UInt32.max }
        let nanoseconds = Double(bytes) * 1e9 / Double(rate)
        return UInt32(min(nanoseconds / 64, Double(UInt32.max)))
    }

    private func addTrafficControl(_ type: UInt16, on device: InterfaceName, handle: UInt32, parent: UInt32, kind: String,
                                   options: [NetlinkAttribute]? = nil, rawOptions: [UInt8]? = nil, what: String) throws(PatchbayError) {
        guard let link = try link(named: device) else {
            throw PatchbayError(.systemError, "Unable to add \(what) to '\(device)': no such interface")
        }
        var attributes: [NetlinkAttribute] = [.string(UInt16(TCA_KIND), kind)]
        if let options { attributes.append(NetlinkAttribute(UInt16(TCA_OPTIONS), nested: options)) }
        if let rawOptions { attributes.append(NetlinkAttribute(UInt16(TCA_OPTIONS), bytes: rawOptions)) }
        let message = NetlinkMessage(type: type, flags: UInt16(NLM_F_CREATE | NLM_F_EXCL),
                                     header: TrafficControlHeader(index: link.index, handle: handle, parent: parent),
                                     attributes: attributes)
        do { try socket.request(message) } catch { throw error.reported("Unable to add \(what) to '\(device)'") }
    }
}
