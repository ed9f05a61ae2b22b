import NetConf
import NetCore
import Netlink

/// How libvirt's `<bandwidth>` becomes HTB figures, and the `tc -batch` lines for what still goes
/// through tc (filters, and the network tree); written as data so the plan is testable without a
/// kernel. Per-device qdiscs and classes are installed over netlink from `htbRates`; the
/// `egressShaping` lines are their tc equivalent (the process baseline of the benchmark).
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
    /// The same figures as `htbRates`, as tc arguments (tc's own default burst when none is given).
    public static func htbParameters(_ rate: BandwidthRate) -> String {
        let rates = htbRates(rate)
        var text = "rate \(rates.rate)bps ceil \(rates.ceil)bps"
        if let burst = rate.burst?.bytes, burst > 0 {
            text += " burst \(burst)b cburst \(burst)b"
        }
        return text
    }
}
