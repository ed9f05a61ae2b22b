import NetConf
import NetCore

/// tc lines for a network's own `<bandwidth>` at its bridge and for its ports' floors (libvirt's
/// semantics: a floor is a minimum guaranteed inside the network's inbound average).
///
/// Tree on the bridge's egress (traffic entering the network, i.e. towards its guests):
/// ```
/// 1:   htb root, default 1:2
/// 1:1  rate = network average, ceil = network peak
/// 1:2  unguaranteed traffic: rate = average - sum of floors
/// 1:N  one per port with a floor: rate = floor, ceil = network peak, selected by the port's MAC
/// ```
/// Ports are matched with u32 on the destination MAC (this kernel has no cls_fw, which libvirt uses).
public enum NetworkShapingPlan {
    /// First class id handed to ports (1:1 and 1:2 are the network's own).
    public static let firstPortClass: UInt32 = 3

    /// Lines that install the network's inbound tree with `floors` already subtracted.
    public static func bridgeRoot(bridge: String, inbound: BandwidthRate, flooredTotal: UInt64) -> [String] {
        let average = inbound.average?.bytesPerSecond ?? 0
        let ceil = max(inbound.peak?.bytesPerSecond ?? average, average)
        let burst = inbound.burst.map { " burst \($0.bytes)b cburst \($0.bytes)b" } ?? ""
        return [
            "qdisc add dev \(bridge) root handle 1: htb default 2",
            "class add dev \(bridge) parent 1: classid 1:1 htb rate \(average)bps ceil \(ceil)bps\(burst)",
            "class add dev \(bridge) parent 1:1 classid 1:2 htb \(unguaranteed(average: average, ceil: ceil, flooredTotal: flooredTotal))",
            "qdisc add dev \(bridge) parent 1:2 handle 2: pfifo limit 1000",
        ]
    }

    /// The line that resizes the unguaranteed class after floors change.
    public static func resizeUnguaranteed(bridge: String, inbound: BandwidthRate, flooredTotal: UInt64) -> [String] {
        let average = inbound.average?.bytesPerSecond ?? 0
        let ceil = max(inbound.peak?.bytesPerSecond ?? average, average)
        return ["class change dev \(bridge) parent 1:1 classid 1:2 htb \(unguaranteed(average: average, ceil: ceil, flooredTotal: flooredTotal))"]
    }

    /// Lines that give the port with `mac` its floor as class 1:`classID`.
    public static func portFloor(bridge: String, classID: UInt32, floor: KibibytesPerSecond, network inbound: BandwidthRate,
                                 mac: MACAddress) -> [String] {
        let average = inbound.average?.bytesPerSecond ?? 0
        let ceil = max(inbound.peak?.bytesPerSecond ?? average, average)
        let id = String(classID, radix: 16)
        let octets = mac.octets.map { $0 < 16 ? "0" + String($0, radix: 16) : String($0, radix: 16) }
        let high = "0x" + octets[0] + octets[1]
        let low = "0x" + octets[2...5].joined()
        return [
            "class add dev \(bridge) parent 1:1 classid 1:\(id) htb rate \(floor.bytesPerSecond)bps ceil \(ceil)bps",
            "qdisc add dev \(bridge) parent 1:\(id) handle \(id): pfifo limit 1000",
            "filter add dev \(bridge) parent 1: protocol all prio 1 handle 800::\(id) u32 match u16 \(high) 0xffff at -14 match u32 \(low) 0xffffffff at -12 flowid 1:\(id)",
        ]
    }

    /// Lines that remove a port's floor class, its leaf and its filter.
    public static func portFloorRemoval(bridge: String, classID: UInt32) -> [String] {
        let id = String(classID, radix: 16)
        return [
            "filter del dev \(bridge) parent 1: protocol all prio 1 handle 800::\(id) u32",
            "qdisc del dev \(bridge) parent 1:\(id) handle \(id):",
            "class del dev \(bridge) parent 1:1 classid 1:\(id)",
        ]
    }

    private static func unguaranteed(average: UInt64, ceil: UInt64, flooredTotal: UInt64) -> String {
        // HTB needs a non-zero rate; the unguaranteed class keeps at least 1 KiB/s.
        let rate = max(average > flooredTotal ? average - flooredTotal : 0, 1024)
        return "rate \(rate)bps ceil \(ceil)bps"
    }
}
