import NetConf
import NetCore
import Netlink

/// Every bandwidth plan in one place: how libvirt's `<bandwidth>` becomes HTB figures and tc lines,
/// for a guest device (a NIC's tap or macvlan), for a network's bridge, and for the ports' floors
/// on that bridge. Written as data so each plan is testable without a kernel; `BandwidthShaper`
/// puts them on devices.
///
/// Directions, from the guest's point of view (libvirt's):
/// - inbound (towards the guest): HTB on the guest device's egress (or, for a network, on the
///   bridge's egress), rate=average, ceil=peak, burst (and cburst) = burst.
/// - outbound (from the guest): shaped on an IFB fed by the device's ingress (a tc redirect on a
///   tap; nftables `fwd` on a bridge, see `BridgeOutboundRedirect`), or on the macvlan's egress for
///   a direct attachment, so peak and burst are honoured (libvirt polices instead, which this
///   kernel lacks and which drops packets).
/// - floor: a minimum guaranteed inside the network's inbound average, one HTB class per port on
///   the bridge (`PortFloor`).
///
/// Units: libvirt documents KiB/s and KiB; Patchbay gives tc exact byte figures (`bps` = bytes/s).
/// Per-device qdiscs and classes are installed over netlink from `htbRates`; `deviceEgress` is their
/// tc equivalent (the process baseline of the benchmark).
public enum BandwidthPlan {
    // MARK: a guest device

    /// The handle of the root HTB qdisc Patchbay installs.
    public static let rootHandle = "1:"
    /// The class every packet of a shaped device goes through.
    public static let shapedClass = "1:1"

    /// Lines that shape egress of `device` to `rate` (HTB root with one class and a fifo leaf).
    public static func deviceEgress(device: String, rate: BandwidthRate) -> [String] {
        [
            "qdisc add dev \(device) root handle 1: htb default 1",
            "class add dev \(device) parent 1: classid 1:1 htb \(htbParameters(rate))",
            "qdisc add dev \(device) parent 1:1 handle 2: pfifo limit 1000",
        ]
    }

    /// Lines that send all ingress of `device` to `target`: an IFB for outbound shaping, or (the
    /// direct attachment's wiring, in both directions) the macvlan and the tap to each other.
    public static func ingressRedirect(device: String, to target: String) -> [String] {
        [
            "qdisc add dev \(device) handle ffff: ingress",
            "filter add dev \(device) parent ffff: protocol all prio 1 u32 match u32 0 0 action mirred egress redirect dev \(target)",
        ]
    }

    /// The HTB class rates for a `<bandwidth>` direction (bytes/s and bytes).
    public static func htbRates(_ rate: BandwidthRate) -> HTBRates {
        let average = rate.average?.bytesPerSecond ?? rate.floor?.bytesPerSecond ?? 0
        let burst = rate.burst?.bytes ?? 0
        return HTBRates(rate: average, ceil: rate.peak?.bytesPerSecond ?? average, burst: burst, cburst: burst)
    }

    /// `rate R ceil C burst B cburst B` for an HTB class, in bytes and bytes/s.
    /// The same figures as `htbRates`, as tc arguments (tc's own default burst when none is given).
    public static func htbParameters(_ rate: BandwidthRate) -> String {
        let rates = htbRates(rate)
        var text = "rate \(rates.rate)bps ceil \(rates.ceil)bps"
        if let burst = rate.burst?.bytes, burst > 0 {
            text += " burst \(burst)b cburst \(burst)b"
        }
        return text
    }

    // MARK: a network's bridge and its ports' floors

    /// Tree on the bridge's egress (traffic entering the network, i.e. towards its guests):
    /// ```
    /// 1:   htb root, default 1:2
    /// 1:1  rate = network average, ceil = network peak
    /// 1:2  unguaranteed traffic: rate = average - sum of floors
    /// 1:N  one per port with a floor: rate = floor, ceil = network peak, selected by the port's MAC
    /// ```
    /// Ports are matched with u32 on the destination MAC (this kernel has no cls_fw, which libvirt uses).
    /// `flooredTotal` is the sum of the floors the ports hold; the plan turns it into bytes/s.
    public static func networkInbound(bridge: String, inbound: BandwidthRate, flooredTotal: KibibytesPerSecond) -> [String] {
        let (average, ceil) = networkRates(inbound)
        let burst = inbound.burst.map { " burst \($0.bytes)b cburst \($0.bytes)b" } ?? ""
        return [
            "qdisc add dev \(bridge) root handle 1: htb default 2",
            "class add dev \(bridge) parent 1: classid 1:1 htb rate \(average)bps ceil \(ceil)bps\(burst)",
            "class add dev \(bridge) parent 1:1 classid 1:2 htb \(unguaranteed(average: average, ceil: ceil, flooredTotal: flooredTotal))",
            "qdisc add dev \(bridge) parent 1:2 handle 2: pfifo limit 1000",
        ]
    }

    /// The bridge's whole inbound tree for a network starting with `floors` already granted.
    public static func networkStart(bridge: String, inbound: BandwidthRate, floors: [PortFloor]) -> [String] {
        floors.reduce(networkInbound(bridge: bridge, inbound: inbound, flooredTotal: .total(floors.map(\.floor)))) {
            $0 + floor($1, bridge: bridge, network: inbound)
        }
    }

    /// The line that resizes the unguaranteed class to what `flooredTotal` (all the floors now
    /// held) leaves of the network's average.
    public static func unguaranteedResize(bridge: String, inbound: BandwidthRate, flooredTotal: KibibytesPerSecond) -> [String] {
        let (average, ceil) = networkRates(inbound)
        return ["class change dev \(bridge) parent 1:1 classid 1:2 htb \(unguaranteed(average: average, ceil: ceil, flooredTotal: flooredTotal))"]
    }

    /// The network's inbound average and ceiling (peak, never below the average) in bytes/s.
    private static func networkRates(_ inbound: BandwidthRate) -> (average: UInt64, ceil: UInt64) {
        let average = inbound.average?.bytesPerSecond ?? 0
        return (average, max(inbound.peak?.bytesPerSecond ?? average, average))
    }

    /// Lines that give `floor`'s port its class 1:`classID` under the network's inbound class.
    public static func floor(_ floor: PortFloor, bridge: String, network inbound: BandwidthRate) -> [String] {
        let (average, ceil) = networkRates(inbound)
        let id = String(floor.classID, radix: 16)
        let octets = floor.mac.octets.map { $0 < 16 ? "0" + String($0, radix: 16) : String($0, radix: 16) }
        let high = "0x" + octets[0] + octets[1]
        let low = "0x" + octets[2...5].joined()
        return [
            "class add dev \(bridge) parent 1:1 classid 1:\(id) htb rate \(floor.floor.bytesPerSecond)bps ceil \(ceil)bps",
            "qdisc add dev \(bridge) parent 1:\(id) handle \(id): pfifo limit 1000",
            "filter add dev \(bridge) parent 1: protocol all prio 1 handle 800::\(id) u32 match u16 \(high) 0xffff at -14 match u32 \(low) 0xffffffff at -12 flowid 1:\(id)",
        ]
    }

    /// Lines that plug `floor` into a running network whose other ports hold `others`: the port's
    /// class, and the unguaranteed class shrunk by the floor.
    public static func floorPlug(_ floor: PortFloor, bridge: String, network inbound: BandwidthRate,
                                 others: KibibytesPerSecond) -> [String] {
        Self.floor(floor, bridge: bridge, network: inbound)
            + unguaranteedResize(bridge: bridge, inbound: inbound, flooredTotal: others.adding(floor.floor))
    }

    /// Lines that unplug the floor of class 1:`classID` from a running network whose remaining
    /// ports hold `remaining`: the port's class goes, the unguaranteed class grows back.
    public static func floorUnplug(classID: UInt32, bridge: String, network inbound: BandwidthRate,
                                   remaining: KibibytesPerSecond) -> [String] {
        floorRemoval(classID: classID, bridge: bridge)
            + unguaranteedResize(bridge: bridge, inbound: inbound, flooredTotal: remaining)
    }

    /// Lines that remove a port's floor class, its leaf and its filter.
    public static func floorRemoval(classID: UInt32, bridge: String) -> [String] {
        let id = String(classID, radix: 16)
        return [
            "filter del dev \(bridge) parent 1: protocol all prio 1 handle 800::\(id) u32",
            "qdisc del dev \(bridge) parent 1:\(id) handle \(id):",
            "class del dev \(bridge) parent 1:1 classid 1:\(id)",
        ]
    }

    /// The unguaranteed class's figures: the only place the floored total becomes bytes/s, so every caller
    /// (a network's start, a live plug or unplug) sizes the class alike.
    private static func unguaranteed(average: UInt64, ceil: UInt64, flooredTotal: KibibytesPerSecond) -> String {
        let floored = flooredTotal.bytesPerSecond
        // HTB needs a non-zero rate; the unguaranteed class keeps at least 1 KiB/s.
        let rate = max(average > floored ? average - floored : 0, 1024)
        return "rate \(rate)bps ceil \(ceil)bps"
    }
}

/// One port's guaranteed minimum on its network's bridge (libvirt's `floor`, with the `classID`
/// libvirt records in the port's status).
public struct PortFloor: Sendable, Equatable {
    /// The first class number a port gets: 1:1 and 1:2 are the network's own.
    public static let firstClassID: UInt32 = 3

    /// The port's class number on the bridge (libvirt's `classID`).
    public var classID: UInt32
    /// The guaranteed rate.
    public var floor: KibibytesPerSecond
    /// The port's MAC, which selects its traffic.
    public var mac: MACAddress

    public init(classID: UInt32, floor: KibibytesPerSecond, mac: MACAddress) {
        self.classID = classID
        self.floor = floor
        self.mac = mac
    }

    /// The lowest class number no port holds yet (`used` are the numbers held).
    public static func freeClassID(among used: Set<UInt32>) -> UInt32 {
        (firstClassID...).first { !used.contains($0) } ?? firstClassID
    }
}
