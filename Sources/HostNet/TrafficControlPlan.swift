import NetConf
import NetCore
import Netlink

/// The `tc -batch` lines that realise libvirt's `<bandwidth>` on a device, written as data so the
/// plan is testable without a kernel.
///
/// - Inbound (towards the guest): HTB on the guest device's egress, rate=average, ceil=peak,
///   burst (and cburst) = burst.
/// - Outbound (from the guest): the device's ingress is redirected (u32 match-all + mirred) to an
///   IFB device and shaped there by the same HTB, so peak and burst are honoured (libvirt polices
///   instead, which this kernel lacks and which drops packets).
/// Units: libvirt documents KiB/s and KiB; Patchbay gives tc exact byte figures (`bps` = bytes/s).
public enum TrafficControlPlan {
    /// The handle of the root HTB qdisc Patchbay installs.
    public static let rootHandle = "1:"
    /// The class every packet of a shaped device goes through.
    public static let shapedClass = "1:1"

    /// Lines that shape egress of `device` to `rate` (HTB root with one class and a fifo leaf).
    public static func egressShaping(device: String, rate: BandwidthRate) -> [String] {
        [
            "qdisc add dev \(device) root handle 1: htb default 1",
            "class add dev \(device) parent 1: classid 1:1 htb \(htbParameters(rate))",
            "qdisc add dev \(device) parent 1:1 handle 2: pfifo limit 1000",
        ]
    }

    /// Lines that send all ingress of `device` to `ifb` (which the caller creates and shapes).
    public static func ingressRedirect(device: String, ifb: String) -> [String] {
        [
            "qdisc add dev \(device) handle ffff: ingress",
            "filter add dev \(device) parent ffff: protocol all prio 1 u32 match u32 0 0 action mirred egress redirect dev \(ifb)",
        ]
    }

    /// The HTB class rates for a `<bandwidth>` direction (bytes/s and bytes).
    public static func htbRates(_ rate: BandwidthRate) -> HTBRates {
        let average = rate.average?.bytesPerSecond ?? rate.floor?.bytesPerSecond ?? 0
        let burst = rate.burst?.bytes ?? 0
        return HTBRates(rate: average, ceil: rate.peak?.bytesPerSecond ?? average, burst: burst, cburst: burst)
    }

    /// `rate R ceil C burst B cburst B` for an HTB class, in bytes and bytes/s.
    public static func htbParameters(_ rate: BandwidthRate) -> String {
        let average = rate.average?.bytesPerSecond ?? rate.floor?.bytesPerSecond ?? 0
        let ceil = max(rate.peak?.bytesPerSecond ?? average, average)
        var text = "rate \(average)bps ceil \(ceil)bps"
        if let burst = rate.burst?.bytes, burst > 0 {
            text += " burst \(burst)b cburst \(burst)b"
        }
        return text
    }
}
